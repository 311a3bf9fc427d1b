-- name: dws.oa_workflow_month
-- layer: dws
-- grain: one row per month a 流程 was started (发起时间), department (部门代码) and 事项 (matter)
-- owner: 001 党政办公室
-- description: OA办公 流程 per month, department and 事项 from dwd.oa_workflow: started, finished
--   (已办结), returned (已退回), withdrawn (已撤销), in_progress (审批中 or any other status),
--   finished_hours (sum of hours_to_finish of the finished ones, for the mean 办理时长),
--   finished_within_24h / finished_within_72h, steps (sum of step_count) and flows_with_unknown_approver
--   (a step approved by a 工号 not on the staff list).
-- materialized: full

SELECT
    CAST(date_trunc('month', started_at) AS DATE) AS month,
    department_code,
    ANY_VALUE(department_name) AS department_name,
    matter,
    COUNT(*) AS started,
    COUNT(*) FILTER (WHERE status = '已办结') AS finished,
    COUNT(*) FILTER (WHERE status = '已退回') AS returned,
    COUNT(*) FILTER (WHERE status = '已撤销') AS withdrawn,
    COUNT(*) FILTER (WHERE status NOT IN ('已办结', '已退回', '已撤销') OR status IS NULL) AS in_progress,
    COALESCE(SUM(hours_to_finish) FILTER (WHERE status = '已办结'), 0) AS finished_hours,
    COUNT(*) FILTER (WHERE status = '已办结' AND hours_to_finish IS NOT NULL) AS finished_timed,
    COUNT(*) FILTER (WHERE status = '已办结' AND hours_to_finish <= 24) AS finished_within_24h,
    COUNT(*) FILTER (WHERE status = '已办结' AND hours_to_finish <= 72) AS finished_within_72h,
    COALESCE(SUM(step_count), 0) AS steps,
    COUNT(*) FILTER (WHERE len(COALESCE(unknown_approvers, [])) > 0) AS flows_with_unknown_approver
FROM dwd.oa_workflow
WHERE started_at IS NOT NULL
GROUP BY ALL
