-- name: dwd.card_account
-- layer: dwd
-- grain: one row per card account (CARDNO)
-- owner: 012 后勤管理处
-- description: 一卡通卡账户, typed. The account, not the person, is the key: a student who
--   changed major keeps the old 学号 in XGH, and a re-issued card gets a new physical card id
--   (WLKH) under the same CARDNO (the re-issues are in dwd.card_reissue). An account exported
--   more than once keeps its latest load; the other copies are in dwd.card_account_rejected.
-- reconciles: ods."yikatong__card_account"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(CARDNO), '') AS CARDNO,
        NULLIF(TRIM(XGH), '') AS XGH,
        NULLIF(TRIM(XM), '') AS XM,
        NULLIF(TRIM(SFLB), '') AS holder_type,
        TRY_STRPTIME(TRIM(KKRQ), '%Y%m%d')::DATE AS issued_on,
        NULLIF(TRIM(KZT), '') AS card_status,
        NULLIF(TRIM(WLKH), '') AS WLKH,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(CARDNO), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."yikatong__card_account"
)
SELECT
    CARDNO,
    XGH,
    XM,
    holder_type,
    issued_on,
    card_status,
    card_status = '正常' AS is_active,
    WLKH,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND CARDNO IS NOT NULL
