-- name: dwd.grade_rejected
-- layer: dwd
-- grain: one row per row of ods."jiaowu__jw_cj_xscjb" that dwd.grade does not carry
-- owner: 002 教务处
-- description: Why a source row is not in dwd.grade (together they hold every ODS row once):
--   missing_key 主键为空, duplicate_row 重复导出 (same content as the row kept for its key)
--   or superseded_version 已被新版本取代 (an older version of a record that changed).
-- materialized: full

WITH ods_rows AS (
    SELECT
        NULLIF(TRIM(cj_id), '') AS record_key,
        MD5(CAST(LIST_VALUE(cj_id, xh_id, xnm, xqm, kch_id, jxb_id, cj, bfzcj, jd, ksxz, cjbz, xgsj) AS VARCHAR)) AS content,
        _batch_id,
        _source,
        _source_row
    FROM ods."jiaowu__jw_cj_xscjb"
),
carried AS (
    SELECT o.record_key, o.content
    FROM ods_rows AS o
    JOIN dwd.grade AS d
        ON d._batch_id = o._batch_id AND d._source = o._source AND d._source_row = o._source_row
)
SELECT
    o._batch_id,
    o._source,
    o._source_row,
    CASE
        WHEN o.record_key IS NULL THEN 'missing_key 主键为空'
        WHEN o.content = c.content THEN 'duplicate_row 重复导出'
        ELSE 'superseded_version 已被新版本取代'
    END AS reason
FROM ods_rows AS o
LEFT JOIN carried AS c ON c.record_key = o.record_key
WHERE NOT EXISTS (
    SELECT 1
    FROM dwd.grade AS d
    WHERE d._batch_id = o._batch_id AND d._source = o._source AND d._source_row = o._source_row
)
