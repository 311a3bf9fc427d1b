-- name: dwd.oa_workflow
-- layer: dwd
-- grain: one row per OA 流程实例 (流程编号)
-- owner: 001 党政办公室
-- description: OA 流程实例 (请假, 用印, 出差, 经费报销, 会议室), typed: start and finish times in
--   campus local time — ISO 8601 with an offset, or the old OA's 2023/10/9 9:31:00 text of records
--   migrated before 2024 (started_at_raw keeps the text) —, hours from start to finish, the number
--   of approval steps, and the 表单 and 环节 kept as JSON. unknown_approvers lists the 审批人工号 of
--   steps that are not on the staff list (人事 jzgxx), e.g. an approver who has since left.
-- reconciles: ods."oa__liucheng"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("流程编号"), '') AS flow_no,
        NULLIF(TRIM("事项"), '') AS matter,
        NULLIF(TRIM("发起人工号"), '') AS initiator_gh,
        NULLIF(TRIM("发起部门"), '') AS department_code,
        NULLIF(TRIM("发起时间"), '') AS started_at_raw,
        NULLIF(TRIM("办结时间"), '') AS finished_at_raw,
        TRY_CAST(NULLIF(TRIM("表单"), '') AS JSON) AS form,
        TRY_CAST(NULLIF(TRIM("环节"), '') AS JSON) AS steps,
        NULLIF(TRIM("状态"), '') AS status,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("流程编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."oa__liucheng"
),
kept AS (
    SELECT * EXCLUDE (load_rank) FROM loaded WHERE load_rank = 1 AND flow_no IS NOT NULL
),
staff AS (
    SELECT DISTINCT NULLIF(TRIM("工号 GH"), '') AS gh FROM ods."renshi__jzgxx"
),
approver AS (
    SELECT k.flow_no, UNNEST(json_extract_string(k.steps, '$[*].审批人工号')) AS gh
    FROM kept AS k
),
unknown_approver AS (
    SELECT a.flow_no, LIST(DISTINCT a.gh ORDER BY a.gh) AS ghs
    FROM approver AS a
    LEFT JOIN staff AS s ON s.gh = a.gh
    WHERE s.gh IS NULL AND a.gh IS NOT NULL
    GROUP BY a.flow_no
),
typed AS (
    SELECT
        k.*,
        -- An offset means an instant (convert to campus time); the old OA's text is local already.
        CASE
            WHEN REGEXP_MATCHES(k.started_at_raw, '([+-]\d\d:\d\d|Z)$')
                THEN TRY_CAST(k.started_at_raw AS TIMESTAMPTZ) AT TIME ZONE 'Asia/Shanghai'
            ELSE TRY_STRPTIME(k.started_at_raw, ['%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M'])
        END AS started_at,
        CASE
            WHEN REGEXP_MATCHES(k.finished_at_raw, '([+-]\d\d:\d\d|Z)$')
                THEN TRY_CAST(k.finished_at_raw AS TIMESTAMPTZ) AT TIME ZONE 'Asia/Shanghai'
            ELSE TRY_STRPTIME(k.finished_at_raw, ['%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M'])
        END AS finished_at
    FROM kept AS k
)
SELECT
    t.flow_no,
    t.matter,
    t.initiator_gh,
    t.department_code,
    o.DWMC AS department_name,
    t.started_at,
    t.started_at_raw,
    t.finished_at,
    ROUND(DATE_DIFF('second', t.started_at, t.finished_at) / 3600.0, 2) AS hours_to_finish,
    t.status,
    t.form,
    t.steps,
    JSON_ARRAY_LENGTH(t.steps) AS step_count,
    u.ghs AS unknown_approvers,
    t._batch_id,
    t._source,
    t._source_row
FROM typed AS t
LEFT JOIN unknown_approver AS u ON u.flow_no = t.flow_no
LEFT JOIN dwd.org_unit AS o ON o.DWH = t.department_code
