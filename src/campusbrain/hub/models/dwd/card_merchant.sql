-- name: dwd.card_merchant
-- layer: dwd
-- grain: one row per merchant (SHOPID)
-- owner: 012 后勤管理处
-- description: 一卡通商户, with its parent merchant (FSHOPID) and first-level category
--   (LEVEL1: 餐饮, 商超, 洗浴, 其他); is_canteen marks the 餐饮 merchants that meal counts use.
--   A merchant exported more than once keeps its latest load (dwd.card_merchant_rejected).
-- reconciles: ods."yikatong__merchant"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(SHOPID), '') AS SHOPID,
        NULLIF(NULLIF(TRIM(FSHOPID), ''), '0') AS FSHOPID,
        NULLIF(TRIM(SHOPNAME), '') AS SHOPNAME,
        NULLIF(TRIM(LEVEL1), '') AS category,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(SHOPID), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."yikatong__merchant"
)
SELECT
    SHOPID,
    FSHOPID,
    SHOPNAME,
    category,
    COALESCE(category = '餐饮', FALSE) AS is_canteen,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND SHOPID IS NOT NULL
