-- name: dwd.learning_statement_rejected
-- layer: dwd
-- grain: one row per ODS xAPI statement row that dwd.learning_statement does not carry
-- owner: 002 教务处
-- description: xAPI statement rows left out of dwd.learning_statement, with the reason: another
--   delivery of a statement id already carried (duplicate_row: the latest load is kept) or a
--   row without a statement id (missing_key). Only the ids that dwd.learning_statement counted
--   more than once are compared row by row, so the statements cost one scan of the id column.
-- materialized: full

WITH repeated AS (
    SELECT statement_id, _batch_id, _source, _source_row
    FROM dwd.learning_statement
    WHERE export_count > 1
),
candidates AS (
    SELECT NULLIF(TRIM(o.id), '') AS statement_id, o._batch_id, o._source, o._source_row
    FROM ods."xuexi__statements" AS o
    WHERE NULLIF(TRIM(o.id), '') IS NULL
       OR NULLIF(TRIM(o.id), '') IN (SELECT statement_id FROM repeated)
)
SELECT
    c._batch_id,
    c._source,
    c._source_row,
    CASE WHEN c.statement_id IS NULL THEN 'missing_key 语句ID缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM candidates AS c
WHERE c.statement_id IS NULL
   OR NOT EXISTS (
       SELECT 1
       FROM repeated AS r
       WHERE r._batch_id = c._batch_id AND r._source = c._source AND r._source_row = c._source_row
   )
