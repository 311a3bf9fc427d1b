-- name: dwd.paper
-- layer: dwd
-- grain: one row per 论文 (论文编号)
-- owner: 007 科研与社会服务处
-- description: 论文, typed: the authors as a list (the source separates them with ;), 发表年月 as
--   the first day of that month, is_core for the 核心/收录 tiers (北大核心, CSSCI, CSCD, SCI, EI,
--   SSCI) against 普通期刊. first_author_known is false when the 第一作者工号 is not on the staff
--   list (人事 jzgxx).
-- reconciles: ods."keyan__papers"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("论文编号"), '') AS paper_no,
        NULLIF(TRIM("题名"), '') AS title,
        NULLIF(TRIM("第一作者工号"), '') AS first_author_gh,
        NULLIF(TRIM("作者"), '') AS authors_raw,
        NULLIF(TRIM("期刊"), '') AS journal,
        NULLIF(TRIM("收录"), '') AS indexed_in,
        TRY_STRPTIME(TRIM("发表年月"), '%Y-%m')::DATE AS published_month,
        NULLIF(TRIM("部门"), '') AS department_code,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("论文编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."keyan__papers"
),
org_unit AS (
    SELECT DWH AS code, DWMC AS name FROM dwd.org_unit
),
staff AS (
    SELECT DISTINCT NULLIF(TRIM("工号 GH"), '') AS gh FROM ods."renshi__jzgxx"
)
SELECT
    l.paper_no,
    l.title,
    l.first_author_gh,
    CASE WHEN l.first_author_gh IS NOT NULL THEN s.gh IS NOT NULL END AS first_author_known,
    REGEXP_SPLIT_TO_ARRAY(l.authors_raw, '\s*;\s*') AS authors,
    l.journal,
    l.indexed_in,
    COALESCE(l.indexed_in IN ('北大核心', 'CSSCI', 'CSCD', 'SCI', 'EI', 'SSCI'), FALSE) AS is_core,
    l.published_month,
    YEAR(l.published_month) AS published_year,
    l.department_code,
    o.name AS department_name,
    o.code IS NOT NULL AS department_known,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN org_unit AS o ON o.code = l.department_code
LEFT JOIN staff AS s ON s.gh = l.first_author_gh
WHERE l.load_rank = 1 AND l.paper_no IS NOT NULL
