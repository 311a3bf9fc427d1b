-- name: dws.scholarship_award
-- layer: dws
-- grain: one row per 奖助学金 award (WID of dwd.scholarship)
-- owner: 003 学生工作处
-- description: 奖学金专题: each award with the student's place (dws.student_profile: DWH/DWMC,
--   ZYDM/ZYMC, BH/BJMC, NJ, XBM) so awards can be cut by 二级学院/专业/班级 and scoped. WID, XH,
--   XN 学年, JXJDM/JXJMC, award_kind (奖学金 or 助学金), is_national, JE (元), PDRQ 评定日期;
--   student_known is false for an award whose 学号 is not in dwd.student (kept, with no place).
-- materialized: full

SELECT
    a.WID,
    a.XH,
    a.XN,
    a.JXJDM,
    a.JXJMC,
    a.award_kind,
    a.is_national,
    a.JE,
    a.PDRQ,
    s.XH IS NOT NULL AS student_known,
    s.DWH,
    s.DWMC,
    s.ZYDM,
    s.ZYMC,
    s.BH,
    s.BJMC,
    s.NJ,
    s.XBM
FROM dwd.scholarship AS a
LEFT JOIN dws.student_profile AS s ON s.XH = a.XH
