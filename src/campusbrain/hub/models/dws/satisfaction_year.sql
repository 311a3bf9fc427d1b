-- name: dws.satisfaction_year
-- layer: dws
-- grain: one row per survey year, 学院 (学院代码) and 维度 (full path, e.g. 管理与服务/后勤服务)
-- owner: 011 质量管理办公室
-- description: 满意度调查 per year, 学院 and 维度 (the 质量年报 学生反馈表 dimensions):
--   questionnaires answering, answers, the average score (1–5) and the satisfaction rate (share
--   of answers scoring 4 or 5). Anonymous: no person is linked.
-- materialized: full

SELECT
    survey_year,
    department_code,
    ANY_VALUE(department_name) AS department_name,
    dimension_group,
    dimension,
    COUNT(DISTINCT questionnaire_no) AS questionnaires,
    COUNT(score) AS answers,
    ROUND(AVG(score), 3) AS avg_score,
    ROUND(AVG(CASE WHEN is_satisfied THEN 1.0 ELSE 0.0 END) FILTER (WHERE score IS NOT NULL), 4) AS satisfaction_rate
FROM dwd.satisfaction_answer
GROUP BY survey_year, department_code, dimension_group, dimension
