-- name: dwd.asset_rejected
-- layer: dwd
-- grain: one row per ODS row of ZC_GDZCTZ that dwd.asset does not carry
-- owner: 006 资产管理处
-- description: 固定资产卡片 rows left out of dwd.asset, with the reason: a second export of the
--   same 资产编号 (duplicate_row: the latest load is kept) or a row without 资产编号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("资产编号"), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("资产编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."zichan__ZC_GDZCTZ"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 资产编号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
