-- name: dwd.graduate_destination_rejected
-- layer: dwd
-- grain: one row per row of ods."jiuye__JY_BYS" (every 届's workbook) that dwd.graduate_destination does not carry
-- owner: 010 招生就业处
-- description: Why a source row is not in dwd.graduate_destination (together they hold every ODS row once):
--   missing_key 主键为空, missing_graduation_year 文件名无届别 (the workbook's file name has no ``yyyy届``,
--   so its rows have no 届; BYJ is read from the file name exactly as dwd.graduate_destination reads it),
--   duplicate_row 重复导出 (same content as the row kept for its 届 and 学号) or superseded_version
--   已被新版本取代 (an older version of a record that changed).
-- materialized: full

WITH ods_rows AS (
    SELECT
        cb_halfwidth("学号") AS XH,
        TRY_CAST(REGEXP_EXTRACT(cb_halfwidth(_source), '(\d{4})\s*届[^/]*$', 1) AS INTEGER) AS BYJ,
        MD5(CAST(LIST_VALUE("学号", "姓名", "性别", "身份证号", "学院", "专业代码", "专业名称", "班级", "毕业去向代码", "毕业去向", "单位名称", "单位性质", "单位行业", "单位所在地代码", "单位所在地", "月收入", "专业相关度", "填报日期") AS VARCHAR)) AS content,
        _batch_id,
        _source,
        _source_row
    FROM ods."jiuye__JY_BYS"
),
keyed AS (
    SELECT *, BYJ || '|' || XH AS record_key FROM ods_rows
),
carried AS (
    SELECT o.record_key, o.content
    FROM keyed AS o
    JOIN dwd.graduate_destination AS d
        ON d._batch_id = o._batch_id AND d._source = o._source AND d._source_row = o._source_row
)
SELECT
    o._batch_id,
    o._source,
    o._source_row,
    CASE
        WHEN o.XH IS NULL THEN 'missing_key 主键为空'
        WHEN o.BYJ IS NULL THEN 'missing_graduation_year 文件名无届别'
        WHEN o.content = c.content THEN 'duplicate_row 重复导出'
        ELSE 'superseded_version 已被新版本取代'
    END AS reason
FROM keyed AS o
LEFT JOIN carried AS c ON c.record_key = o.record_key
WHERE NOT EXISTS (
    SELECT 1
    FROM dwd.graduate_destination AS d
    WHERE d._batch_id = o._batch_id AND d._source = o._source AND d._source_row = o._source_row
)
