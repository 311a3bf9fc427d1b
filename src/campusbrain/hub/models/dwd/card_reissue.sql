-- name: dwd.card_reissue
-- layer: dwd
-- grain: one row per card re-issue (补卡): card account CARDNO and the new physical card id WLKH
-- owner: 012 后勤管理处
-- description: 一卡通补卡记录, typed: the re-issue date and reason (挂失补卡, 损坏换卡…). The
--   account (CARDNO) stays, the physical card (WLKH) is new. account_known is false for a
--   re-issue of an account that dwd.card_account does not have (kept and flagged).
-- reconciles: ods."yikatong__card_reissue"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(CARDNO), '') AS CARDNO,
        NULLIF(TRIM(WLKH), '') AS WLKH,
        TRY_STRPTIME(TRIM(BKRQ), '%Y%m%d')::DATE AS reissued_on,
        NULLIF(TRIM(YY), '') AS reason,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(CARDNO), TRIM(WLKH)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."yikatong__card_reissue"
)
SELECT
    l.CARDNO,
    l.WLKH,
    l.reissued_on,
    l.reason,
    a.CARDNO IS NOT NULL AS account_known,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN dwd.card_account AS a ON a.CARDNO = l.CARDNO
WHERE l.load_rank = 1 AND l.CARDNO IS NOT NULL AND l.WLKH IS NOT NULL
