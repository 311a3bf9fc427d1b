-- name: dwd.library_gate_entry
-- layer: dwd
-- grain: one row per 入馆 gate event (读者证号 DZZH, time RGSJ, gate MJH)
-- owner: 008 图书馆
-- description: 图书馆门禁入馆记录, typed: the entry time (campus local time, from yyyymmddHHMMSS)
--   and its day. The export has no event id, so the same reader at the same gate and second is
--   one event; a repeat is a duplicate export. reader_known is false for a 读者证号 that is not in
--   the reader list.
-- reconciles: ods."tushu__gate"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(DZZH), '') AS DZZH,
        TRY_STRPTIME(TRIM(RGSJ), '%Y%m%d%H%M%S') AS entered_at,
        NULLIF(TRIM(MJH), '') AS MJH,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(DZZH), TRIM(RGSJ), TRIM(MJH)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."tushu__gate"
)
SELECT
    l.DZZH,
    l.entered_at,
    CAST(l.entered_at AS DATE) AS entry_date,
    l.MJH,
    r.DZZH IS NOT NULL AS reader_known,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN dwd.library_reader AS r ON r.DZZH = l.DZZH
WHERE l.load_rank = 1 AND l.DZZH IS NOT NULL AND l.entered_at IS NOT NULL
