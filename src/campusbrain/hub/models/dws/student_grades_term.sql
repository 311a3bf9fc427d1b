-- name: dws.student_grades_term
-- layer: dws
-- grain: one row per student (XH) and term (term_label) in which the student has a grade
-- owner: 002 教务处
-- description: 学生学期成绩 summary from dwd.grade and dwd.course. person_id (dwd.person_link,
--   system jiaowu), XH, XN, XQ, term_label; courses (courses with a 正常考试 grade this term),
--   credits_attempted (their 学分), credits_earned (学分 of those passed at the 正常考试 or at the
--   term's 补考), gpa (学分-weighted 绩点 JD of the 正常考试 grades, rounded to 2 places),
--   average_score (plain mean 百分制 of the 正常考试 grades), failed_courses (正常考试 below 60,
--   缺考 included), absent_exams (缺考), makeup_exams and makeup_passed (补考 sat and passed this
--   term), retake_exams and retake_passed (重修 graded this term; a 重修 belongs to the term it is
--   graded in). A grade whose course is missing from dwd.course counts with no 学分.
-- materialized: full

WITH graded AS (
    SELECT g.*, c.XF
    FROM dwd.grade AS g
    LEFT JOIN dwd.course AS c ON c.KCH = g.KCH
    WHERE g.XH IS NOT NULL AND g.term_label IS NOT NULL
),
passed_in_term AS (
    SELECT XH, term_label, KCH, ANY_VALUE(XF) AS XF
    FROM graded
    WHERE exam_attempt IN (1, 2) AND is_passed
    GROUP BY XH, term_label, KCH
),
earned AS (
    SELECT XH, term_label, SUM(XF) AS credits_earned FROM passed_in_term GROUP BY XH, term_label
),
summary AS (
    SELECT
        XH,
        term_label,
        ANY_VALUE(XN) AS XN,
        ANY_VALUE(XQ) AS XQ,
        COUNT(DISTINCT KCH) FILTER (WHERE exam_attempt = 1) AS courses,
        SUM(XF) FILTER (WHERE exam_attempt = 1) AS credits_attempted,
        SUM(XF * JD) FILTER (WHERE exam_attempt = 1) AS weighted_points,
        SUM(XF) FILTER (WHERE exam_attempt = 1 AND JD IS NOT NULL) AS weighted_credits,
        AVG(score) FILTER (WHERE exam_attempt = 1) AS average_score,
        COUNT(*) FILTER (WHERE exam_attempt = 1 AND NOT COALESCE(is_passed, FALSE)) AS failed_courses,
        COUNT(*) FILTER (WHERE exam_attempt = 1 AND is_absent) AS absent_exams,
        COUNT(*) FILTER (WHERE exam_attempt = 2) AS makeup_exams,
        COUNT(*) FILTER (WHERE exam_attempt = 2 AND is_passed) AS makeup_passed,
        COUNT(*) FILTER (WHERE exam_attempt = 3) AS retake_exams,
        COUNT(*) FILTER (WHERE exam_attempt = 3 AND is_passed) AS retake_passed
    FROM graded
    GROUP BY XH, term_label
)
SELECT
    link.person_id,
    s.XH,
    s.XN,
    s.XQ,
    s.term_label,
    s.courses,
    COALESCE(s.credits_attempted, 0) AS credits_attempted,
    COALESCE(e.credits_earned, 0) AS credits_earned,
    ROUND(s.weighted_points / NULLIF(s.weighted_credits, 0), 2) AS gpa,
    ROUND(s.average_score, 2) AS average_score,
    s.failed_courses,
    s.absent_exams,
    s.makeup_exams,
    s.makeup_passed,
    s.retake_exams,
    s.retake_passed
FROM summary AS s
LEFT JOIN earned AS e ON e.XH = s.XH AND e.term_label = s.term_label
LEFT JOIN dwd.person_link AS link ON link.system = 'jiaowu' AND link.record_key = s.XH
