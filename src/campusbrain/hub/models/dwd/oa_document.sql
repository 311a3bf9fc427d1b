-- name: dwd.oa_document
-- layer: dwd
-- grain: one row per 公文 (文号)
-- owner: 001 党政办公室
-- description: OA 公文, typed: the issuing date and year, the 发文字号 prefix (望职院, 望职院教,
--   望职院党… — the part of the 文号 before 〔), the issuing department named from the org units.
-- reconciles: ods."oa__gongwen"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("文号"), '') AS document_no,
        NULLIF(TRIM("标题"), '') AS title,
        NULLIF(TRIM("发文部门"), '') AS issuing_unit,
        NULLIF(TRIM("发文部门代码"), '') AS department_code,
        NULLIF(TRIM("密级"), '') AS secrecy,
        TRY_CAST(TRIM("发文日期") AS DATE) AS issued_on,
        NULLIF(TRIM("类型"), '') AS document_type,
        NULLIF(TRIM("签发人工号"), '') AS signer_gh,
        NULLIF(TRIM("拟稿人工号"), '') AS drafter_gh,
        NULLIF(TRIM("主送"), '') AS recipients,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("文号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."oa__gongwen"
)
SELECT
    l.document_no,
    NULLIF(SPLIT_PART(l.document_no, '〔', 1), '') AS document_prefix,
    l.title,
    l.issuing_unit,
    l.department_code,
    o.DWMC AS department_name,
    l.secrecy,
    l.issued_on,
    YEAR(l.issued_on) AS issued_year,
    l.document_type,
    l.signer_gh,
    l.drafter_gh,
    l.recipients,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN dwd.org_unit AS o ON o.DWH = l.department_code
WHERE l.load_rank = 1 AND l.document_no IS NOT NULL
