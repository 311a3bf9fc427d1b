-- name: dwd.staff_version_rejected
-- layer: dwd
-- grain: one row per row of ods."renshi__jzgxx" that dwd.staff_version does not carry
-- owner: 004 人事处
-- description: Why a source row is not in dwd.staff_version (together they hold every ODS row once):
--   missing_key 主键为空, soft_deleted 源系统已删除 (是否删除=是), duplicate_row 重复导出 (same content as the row kept for its key)
--   or superseded_version 已被新版本取代 (an older version of a record that changed).
-- materialized: full

WITH ods_rows AS (
    SELECT
        NULLIF(TRIM("工号 GH"), '') || '|' || TRY_CAST(TRIM("版本号 BBH") AS INTEGER) AS record_key,
        MD5(CAST(LIST_VALUE("工号 GH", "姓名 XM", "性别码 XBM", "出生日期 CSRQ", "身份证件号 SFZJH", "民族码 MZM", "政治面貌码 ZZMMM", "学历码 XLM", "手机号 SJH", "单位号 DWH", "单位名称 DWMC", "人员类别 RYLB", "岗位 GW", "专业技术职务码 ZYJSZWM", "专业技术职务 ZYJSZW", "双师素质 SFSSSZ", "人员性质码 RYXZM", "入职日期 RZRQ", "版本号 BBH", "是否删除 SFSC", "是否有效 SFYX", "更新时间 GXSJ") AS VARCHAR)) AS content,
        "是否删除 SFSC" AS o_SFSC,
        _batch_id,
        _source,
        _source_row
    FROM ods."renshi__jzgxx"
),
carried AS (
    SELECT o.record_key, o.content
    FROM ods_rows AS o
    JOIN dwd.staff_version AS d
        ON d._batch_id = o._batch_id AND d._source = o._source AND d._source_row = o._source_row
)
SELECT
    o._batch_id,
    o._source,
    o._source_row,
    CASE
        WHEN o.record_key IS NULL THEN 'missing_key 主键为空'
        WHEN TRIM(o.o_SFSC) = '是' THEN 'soft_deleted 源系统已删除 (是否删除=是)'
        WHEN o.content = c.content THEN 'duplicate_row 重复导出'
        ELSE 'superseded_version 已被新版本取代'
    END AS reason
FROM ods_rows AS o
LEFT JOIN carried AS c ON c.record_key = o.record_key
WHERE NOT EXISTS (
    SELECT 1
    FROM dwd.staff_version AS d
    WHERE d._batch_id = o._batch_id AND d._source = o._source AND d._source_row = o._source_row
)
