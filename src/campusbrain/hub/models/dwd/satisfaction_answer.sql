-- name: dwd.satisfaction_answer
-- layer: dwd
-- grain: one row per answer of the anonymous 满意度调查 (问卷编号 × 题号)
-- owner: 011 质量管理办公室
-- description: 学生满意度调查 answers, typed: the survey year, the cohort year (2022级 → 2022), the
--   学院 named from the org units, the 维度 split into its first level (课堂育人, 课外育人, 教书育人,
--   管理与服务) and the full path, the score 1–5; is_satisfied for 4 or 5.
-- reconciles: ods."ceping__CP_MYD"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("问卷编号"), '') AS questionnaire_no,
        TRY_CAST(TRIM("调查年份") AS INTEGER) AS survey_year,
        NULLIF(TRIM("年级"), '') AS cohort_raw,
        NULLIF(TRIM("学院代码"), '') AS department_code,
        NULLIF(TRIM("维度"), '') AS dimension,
        TRY_CAST(TRIM("题号") AS INTEGER) AS item_no,
        NULLIF(TRIM("题目"), '') AS item,
        TRY_CAST(TRIM("满意度") AS INTEGER) AS score,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("问卷编号"), TRIM("题号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."ceping__CP_MYD"
)
SELECT
    l.questionnaire_no,
    l.survey_year,
    TRY_CAST(REGEXP_EXTRACT(l.cohort_raw, '^(\d{4})', 1) AS INTEGER) AS cohort_year,
    l.department_code,
    o.DWMC AS department_name,
    SPLIT_PART(l.dimension, '/', 1) AS dimension_group,
    l.dimension,
    l.item_no,
    l.item,
    l.score,
    l.score >= 4 AS is_satisfied,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN dwd.org_unit AS o ON o.DWH = l.department_code
WHERE l.load_rank = 1 AND l.questionnaire_no IS NOT NULL AND l.item_no IS NOT NULL
