-- name: dwd.library_loan
-- layer: dwd
-- grain: one row per loan (流水号 LSH)
-- owner: 008 图书馆
-- description: 借阅流水, typed: borrowed and returned times (campus local time), the due date,
--   renewals. is_overdue: returned after the due date, or still out past it on the day of the
--   latest loan or return in the data. reader_known / book_known are false for a loan whose
--   读者证号 or 条码号 is not in the reader or book list (an orphan reference, kept and flagged).
-- reconciles: ods."tushu__loan"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(LSH), '') AS LSH,
        NULLIF(TRIM(DZZH), '') AS DZZH,
        NULLIF(TRIM(TXM), '') AS TXM,
        TRY_STRPTIME(TRIM(JCSJ), '%Y-%m-%d %H:%M:%S') AS borrowed_at,
        TRY_CAST(TRIM(YHRQ) AS DATE) AS due_on,
        TRY_STRPTIME(TRIM(GHSJ), '%Y-%m-%d %H:%M:%S') AS returned_at,
        TRY_CAST(TRIM(XJCS) AS INTEGER) AS renewals,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(LSH)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."tushu__loan"
),
kept AS (
    SELECT * EXCLUDE (load_rank) FROM loaded WHERE load_rank = 1 AND LSH IS NOT NULL
),
-- "Today" for the data is its last event, not the wall clock: a rebuild gives the same answer.
data_day AS (
    SELECT CAST(GREATEST(MAX(borrowed_at), MAX(returned_at)) AS DATE) AS as_of FROM kept
)
SELECT
    k.LSH,
    k.DZZH,
    k.TXM,
    k.borrowed_at,
    CAST(k.borrowed_at AS DATE) AS borrowed_on,
    k.due_on,
    k.returned_at,
    k.renewals,
    k.returned_at IS NULL AS is_on_loan,
    CASE
        WHEN k.returned_at IS NOT NULL THEN CAST(k.returned_at AS DATE) > k.due_on
        ELSE d.as_of > k.due_on
    END AS is_overdue,
    r.DZZH IS NOT NULL AS reader_known,
    b.TXM IS NOT NULL AS book_known,
    k._batch_id,
    k._source,
    k._source_row
FROM kept AS k
CROSS JOIN data_day AS d
LEFT JOIN dwd.library_reader AS r ON r.DZZH = k.DZZH
LEFT JOIN dwd.library_book AS b ON b.TXM = k.TXM
