-- name: dwd.enrolment_check_in
-- layer: dwd
-- grain: one row per admitted 考生 (考生号 KSH) in the 新生报到 list
-- owner: 010 招生就业处
-- description: 新生报到. KSH 考生号, XH 学号 given at registration (cb_halfwidth: full-width
--   digits typed by hand are normalized; NULL for a no-show), XH_source as written, BDRQ 报到日期,
--   is_registered (是否报到 = 是), WBDYY 未报到原因.
-- reconciles: ods."zhaosheng__ZS_BD"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("考生号"), '') AS KSH,
        cb_halfwidth("学号") AS XH,
        NULLIF(TRIM("学号"), '') AS XH_source,
        cb_parse_date("报到日期") AS BDRQ,
        TRIM("是否报到") = '是' AS is_registered,
        NULLIF(TRIM("未报到原因"), '') AS WBDYY,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM("考生号"), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."zhaosheng__ZS_BD"
)
SELECT KSH, XH, XH_source, BDRQ, is_registered, WBDYY, _batch_id, _source, _source_row
FROM loaded
WHERE load_rank = 1 AND KSH IS NOT NULL
