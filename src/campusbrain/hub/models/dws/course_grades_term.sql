-- name: dws.course_grades_term
-- layer: dws
-- grain: one row per course (KCH) and term (term_label) with at least one grade
-- owner: 002 教务处
-- description: 课程学期成绩 summary from dwd.grade. KCH, KCMC, KKDWH 开课单位, XN, XQ,
--   term_label; students (distinct students with a 正常考试 grade), pass_rate (share of those
--   正常考试 grades ≥ 60, 缺考 counted as failed), average_score / max_score / min_score of the
--   正常考试 grades, excellent_rate (≥ 90), absent_exams (缺考), makeup_exams / makeup_passed
--   (补考 this term) and retake_exams / retake_passed (重修 graded this term).
-- materialized: full

SELECT
    g.KCH,
    ANY_VALUE(c.KCMC) AS KCMC,
    ANY_VALUE(c.KKDWH) AS KKDWH,
    ANY_VALUE(g.XN) AS XN,
    ANY_VALUE(g.XQ) AS XQ,
    g.term_label,
    COUNT(DISTINCT g.XH) FILTER (WHERE g.exam_attempt = 1) AS students,
    ROUND(
        COUNT(*) FILTER (WHERE g.exam_attempt = 1 AND g.is_passed)
        / NULLIF(COUNT(*) FILTER (WHERE g.exam_attempt = 1), 0),
        4
    ) AS pass_rate,
    ROUND(AVG(g.score) FILTER (WHERE g.exam_attempt = 1), 2) AS average_score,
    MAX(g.score) FILTER (WHERE g.exam_attempt = 1) AS max_score,
    MIN(g.score) FILTER (WHERE g.exam_attempt = 1) AS min_score,
    ROUND(
        COUNT(*) FILTER (WHERE g.exam_attempt = 1 AND g.score >= 90)
        / NULLIF(COUNT(*) FILTER (WHERE g.exam_attempt = 1), 0),
        4
    ) AS excellent_rate,
    COUNT(*) FILTER (WHERE g.exam_attempt = 1 AND g.is_absent) AS absent_exams,
    COUNT(*) FILTER (WHERE g.exam_attempt = 2) AS makeup_exams,
    COUNT(*) FILTER (WHERE g.exam_attempt = 2 AND g.is_passed) AS makeup_passed,
    COUNT(*) FILTER (WHERE g.exam_attempt = 3) AS retake_exams,
    COUNT(*) FILTER (WHERE g.exam_attempt = 3 AND g.is_passed) AS retake_passed
FROM dwd.grade AS g
LEFT JOIN dwd.course AS c ON c.KCH = g.KCH
WHERE g.KCH IS NOT NULL AND g.term_label IS NOT NULL
GROUP BY g.KCH, g.term_label
