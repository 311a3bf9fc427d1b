-- name: dwd.research_funding
-- layer: dwd
-- grain: one row per 科研到款 (到款编号)
-- owner: 007 科研与社会服务处
-- description: 科研经费到款, typed: date and amount in yuan (the 科研 system keeps 元 with two
--   decimals). project_known is false for an arrival booked to a 项目编号 the project list does
--   not have. 财务 books the same arrival as 科研事业收入 with this 到款编号 in its 摘要
--   (dwd.income.research_funding_no).
-- reconciles: ods."keyan__funding"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("到款编号"), '') AS funding_no,
        NULLIF(TRIM("项目编号"), '') AS project_code,
        TRY_CAST(TRIM("到款日期") AS DATE) AS received_on,
        TRY_CAST(TRIM("金额") AS DECIMAL(16, 2)) AS amount_yuan,
        NULLIF(TRIM("来源单位"), '') AS payer,
        NULLIF(TRIM("经费类型"), '') AS funding_kind,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("到款编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."keyan__funding"
)
SELECT
    l.funding_no,
    l.project_code,
    p.project_code IS NOT NULL AS project_known,
    p.department_code,
    l.received_on,
    YEAR(l.received_on) AS received_year,
    l.amount_yuan,
    l.payer,
    l.funding_kind,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN dwd.research_project AS p ON p.project_code = l.project_code
WHERE l.load_rank = 1 AND l.funding_no IS NOT NULL
