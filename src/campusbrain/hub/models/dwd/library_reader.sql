-- name: dwd.library_reader
-- layer: dwd
-- grain: one row per library reader (读者证号 DZZH)
-- owner: 008 图书馆
-- description: 图书馆读者, typed. The 读者证号 is usually the 学号 or 工号; a reader registered at
--   the desk before having one carries an L… number (is_desk_registered) and is known only by
--   name and phone. DW is a unit name: department_code looks it up among the org units (NULL
--   when the name is not one of them). A 转专业 student keeps the reader record of the old 学号;
--   identity resolution links it (dwd.person_link, system 'tushu').
-- reconciles: ods."tushu__reader"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(DZZH), '') AS DZZH,
        NULLIF(TRIM(XM), '') AS XM,
        NULLIF(TRIM(DZLX), '') AS reader_type,
        NULLIF(TRIM(DW), '') AS DW,
        NULLIF(TRIM(SJH), '') AS SJH,
        TRY_CAST(TRIM(BZRQ) AS DATE) AS registered_on,
        NULLIF(TRIM(ZT), '') AS status,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(DZZH)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."tushu__reader"
)
SELECT
    l.DZZH,
    l.XM,
    l.reader_type,
    l.DW,
    o.DWH AS department_code,
    l.SJH,
    l.registered_on,
    l.status,
    COALESCE(l.status = '有效', FALSE) AS is_active,
    l.DZZH LIKE 'L%' AS is_desk_registered,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN dwd.org_unit AS o ON o.DWMC = l.DW
WHERE l.load_rank = 1 AND l.DZZH IS NOT NULL
