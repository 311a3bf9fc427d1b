-- name: dws.evaluation_teacher_term
-- layer: dws
-- grain: one row per teacher (教师工号) and term (学年学期, 2024-2025-1) with evaluations or visits
-- owner: 011 质量管理办公室
-- description: 测评数据分析 per teacher and term: 学生评教 answers, the 教学班 and students they
--   come from, the average 总分 (0–100), the share of straight-lined answers (all ten items the
--   same) and the average without them; 督导听课 visits and their average 总分. teacher_known is
--   false for a 工号 not on the staff list (a 外聘 teacher typed in by hand).
-- materialized: full

WITH student AS (
    SELECT
        teacher_gh,
        term,
        COUNT(*) AS evaluations,
        COUNT(DISTINCT class_id) AS classes,
        COUNT(DISTINCT student_no) AS students,
        ROUND(AVG(total_score), 2) AS avg_score,
        ROUND(AVG(CASE WHEN is_straight_lined THEN 1.0 ELSE 0.0 END), 4) AS straight_lined_share,
        ROUND(AVG(total_score) FILTER (WHERE NOT is_straight_lined), 2) AS avg_score_excluding_straight_lined,
        BOOL_AND(teacher_known) AS teacher_known
    FROM dwd.teaching_evaluation
    WHERE teacher_gh IS NOT NULL AND term IS NOT NULL
    GROUP BY 1, 2
),
supervision AS (
    SELECT
        teacher_gh,
        term,
        COUNT(*) AS supervision_visits,
        ROUND(AVG(total_score), 2) AS avg_supervision_score,
        BOOL_AND(teacher_known) AS teacher_known
    FROM dwd.supervision_visit
    WHERE teacher_gh IS NOT NULL AND term IS NOT NULL
    GROUP BY 1, 2
)
SELECT
    COALESCE(s.teacher_gh, v.teacher_gh) AS teacher_gh,
    COALESCE(s.term, v.term) AS term,
    LEFT(COALESCE(s.term, v.term), 9) AS school_year,
    COALESCE(s.teacher_known, v.teacher_known) AS teacher_known,
    COALESCE(s.evaluations, 0) AS evaluations,
    COALESCE(s.classes, 0) AS classes,
    COALESCE(s.students, 0) AS students,
    s.avg_score,
    s.straight_lined_share,
    s.avg_score_excluding_straight_lined,
    COALESCE(v.supervision_visits, 0) AS supervision_visits,
    v.avg_supervision_score
FROM student AS s
FULL OUTER JOIN supervision AS v ON v.teacher_gh = s.teacher_gh AND v.term = s.term
