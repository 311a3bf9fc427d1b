-- name: dws.oa_document_month
-- layer: dws
-- grain: one row per month of issue (成文日期), issuing department (部门代码) and 文种 (document_type)
-- owner: 001 党政办公室
-- description: OA办公 公文 per month, department and 文种 from dwd.oa_document: documents issued,
--   of them with a 密级 other than 无 (classified), and the distinct signers (签发人 工号).
-- materialized: full

SELECT
    CAST(date_trunc('month', issued_on) AS DATE) AS month,
    department_code,
    ANY_VALUE(department_name) AS department_name,
    document_type,
    COUNT(*) AS documents,
    COUNT(*) FILTER (WHERE COALESCE(secrecy, '无') <> '无') AS classified,
    COUNT(DISTINCT signer_gh) AS signers
FROM dwd.oa_document
WHERE issued_on IS NOT NULL
GROUP BY ALL
