-- name: dwd.leave_request
-- layer: dwd
-- grain: one row per 请假单 (WID); a request exported twice is kept once
-- owner: 003 学生工作处
-- description: 学生请假. WID, XH 学号, QJLB 请假类别 (病假/事假/公假), starts_at/ends_at (the
--   yyyymmdd date and hhmm time columns joined into TIMESTAMP, campus local time), QJTS 请假天数
--   (calendar days, both ends counted), ZT 审核状态, is_approved (已审核/已销假), CLRQ 处理日期.
--   student_missing flags an XH that is neither in dwd.student nor in dwd.student_affairs (an
--   orphan reference, kept).
-- reconciles: ods."xuegong__T_XG_QJXX"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(WID), '') AS WID,
        NULLIF(TRIM(XH), '') AS XH,
        NULLIF(TRIM(QJLB), '') AS QJLB,
        TRY_STRPTIME(TRIM(QJKSRQ) || LPAD(TRIM(QJKSSJ), 4, '0'), '%Y%m%d%H%M') AS starts_at,
        TRY_STRPTIME(TRIM(QJJSRQ) || LPAD(TRIM(QJJSSJ), 4, '0'), '%Y%m%d%H%M') AS ends_at,
        NULLIF(TRIM(ZT), '') AS ZT,
        TRY_STRPTIME(TRIM(CLRQ), '%Y%m%d')::DATE AS CLRQ,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(WID), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."xuegong__T_XG_QJXX"
),
known_students AS (
    SELECT XH FROM dwd.student
    UNION
    SELECT XH FROM dwd.student_affairs
)
SELECT
    l.WID,
    l.XH,
    l.QJLB,
    l.starts_at,
    l.ends_at,
    DATE_DIFF('day', CAST(l.starts_at AS DATE), CAST(l.ends_at AS DATE)) + 1 AS QJTS,
    l.ZT,
    l.ZT IN ('已审核', '已销假') AS is_approved,
    l.CLRQ,
    k.XH IS NULL AS student_missing,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN known_students AS k ON k.XH = l.XH
WHERE l.load_rank = 1 AND l.WID IS NOT NULL
