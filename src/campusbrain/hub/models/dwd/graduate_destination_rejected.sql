-- name: dwd.graduate_destination_rejected
-- layer: dwd
-- grain: one row per row of ods."jiuye__JY_BYS_2024", ods."jiuye__JY_BYS_2025", ods."jiuye__JY_BYS_2026" that dwd.graduate_destination does not carry
-- owner: 010 招生就业处
-- description: Why a source row is not in dwd.graduate_destination (together they hold every ODS row once):
--   missing_key 主键为空, duplicate_row 重复导出 (same content as the row kept for its key)
--   or superseded_version 已被新版本取代 (an older version of a record that changed).
-- materialized: full

WITH ods_rows AS (
    SELECT
        2024 || '|' || cb_halfwidth("学号") AS record_key,
        MD5(CAST(LIST_VALUE("学号", "姓名", "性别", "身份证号", "学院", "专业代码", "专业名称", "班级", "毕业去向代码", "毕业去向", "单位名称", "单位性质", "单位行业", "单位所在地代码", "单位所在地", "月收入", "专业相关度", "填报日期") AS VARCHAR)) AS content,
        _batch_id,
        _source,
        _source_row
    FROM ods."jiuye__JY_BYS_2024"
    UNION ALL
    SELECT
        2025 || '|' || cb_halfwidth("学号") AS record_key,
        MD5(CAST(LIST_VALUE("学号", "姓名", "性别", "身份证号", "学院", "专业代码", "专业名称", "班级", "毕业去向代码", "毕业去向", "单位名称", "单位性质", "单位行业", "单位所在地代码", "单位所在地", "月收入", "专业相关度", "填报日期") AS VARCHAR)) AS content,
        _batch_id,
        _source,
        _source_row
    FROM ods."jiuye__JY_BYS_2025"
    UNION ALL
    SELECT
        2026 || '|' || cb_halfwidth("学号") AS record_key,
        MD5(CAST(LIST_VALUE("学号", "姓名", "性别", "身份证号", "学院", "专业代码", "专业名称", "班级", "毕业去向代码", "毕业去向", "单位名称", "单位性质", "单位行业", "单位所在地代码", "单位所在地", "月收入", "专业相关度", "填报日期") AS VARCHAR)) AS content,
        _batch_id,
        _source,
        _source_row
    FROM ods."jiuye__JY_BYS_2026"
),
carried AS (
    SELECT o.record_key, o.content
    FROM ods_rows AS o
    JOIN dwd.graduate_destination AS d
        ON d._batch_id = o._batch_id AND d._source = o._source AND d._source_row = o._source_row
)
SELECT
    o._batch_id,
    o._source,
    o._source_row,
    CASE
        WHEN o.record_key IS NULL THEN 'missing_key 主键为空'
        WHEN o.content = c.content THEN 'duplicate_row 重复导出'
        ELSE 'superseded_version 已被新版本取代'
    END AS reason
FROM ods_rows AS o
LEFT JOIN carried AS c ON c.record_key = o.record_key
WHERE NOT EXISTS (
    SELECT 1
    FROM dwd.graduate_destination AS d
    WHERE d._batch_id = o._batch_id AND d._source = o._source AND d._source_row = o._source_row
)
