-- name: dws.library_person_month
-- layer: dws
-- grain: one row per library reader (读者证号 DZZH) and calendar month with a loan or a gate entry
-- owner: 008 图书馆
-- description: 图书专题 per reader and month: loans (by borrowing month), loans that became
--   overdue, renewals, 入馆 gate entries and the distinct days with an entry. person_id is the
--   golden person (dwd.person_link, system 'tushu'); reader_known is false for a 读者证号 that is
--   not in the reader list (an orphan loan or entry, counted but with no person).
-- materialized: full

WITH loans AS (
    SELECT
        DZZH,
        CAST(DATE_TRUNC('month', borrowed_at) AS DATE) AS month,
        COUNT(*) AS loans,
        COUNT(*) FILTER (WHERE is_overdue) AS overdue_loans,
        COALESCE(SUM(renewals), 0) AS renewals
    FROM dwd.library_loan
    WHERE DZZH IS NOT NULL AND borrowed_at IS NOT NULL
    GROUP BY 1, 2
),
entries AS (
    SELECT
        DZZH,
        CAST(DATE_TRUNC('month', entered_at) AS DATE) AS month,
        COUNT(*) AS gate_entries,
        COUNT(DISTINCT entry_date) AS gate_days
    FROM dwd.library_gate_entry
    GROUP BY 1, 2
),
joined AS (
    SELECT
        COALESCE(l.DZZH, e.DZZH) AS DZZH,
        COALESCE(l.month, e.month) AS month,
        COALESCE(l.loans, 0) AS loans,
        COALESCE(l.overdue_loans, 0) AS overdue_loans,
        COALESCE(l.renewals, 0) AS renewals,
        COALESCE(e.gate_entries, 0) AS gate_entries,
        COALESCE(e.gate_days, 0) AS gate_days
    FROM loans AS l
    FULL OUTER JOIN entries AS e ON e.DZZH = l.DZZH AND e.month = l.month
)
SELECT
    j.DZZH,
    p.person_id,
    r.reader_type,
    r.department_code,
    r.DZZH IS NOT NULL AS reader_known,
    j.month,
    j.loans,
    j.overdue_loans,
    j.renewals,
    j.gate_entries,
    j.gate_days
FROM joined AS j
LEFT JOIN dwd.library_reader AS r ON r.DZZH = j.DZZH
LEFT JOIN dwd.person_link AS p ON p.system = 'tushu' AND p.record_key = j.DZZH
