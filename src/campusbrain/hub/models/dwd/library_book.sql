-- name: dwd.library_book
-- layer: dwd
-- grain: one row per book copy (条码号 TXM)
-- owner: 008 图书馆
-- description: 馆藏图书 copies: 索书号 SSH (中图法 class number / 种次号), title, author, and the
--   中图法 basic class FLH with its name (the 22 基本大类 of 《中国图书馆分类法》 5th ed.).
--   class_name is NULL for a class letter outside those 22.
-- reconciles: ods."tushu__book"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(TXM), '') AS TXM,
        NULLIF(TRIM(SSH), '') AS SSH,
        NULLIF(TRIM(TM), '') AS TM,
        NULLIF(TRIM(ZZ), '') AS ZZ,
        UPPER(NULLIF(TRIM(FLH), '')) AS FLH,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(TXM)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."tushu__book"
),
clc_class (FLH, class_name) AS (
    VALUES
        ('A', '马克思主义、列宁主义、毛泽东思想、邓小平理论'),
        ('B', '哲学、宗教'),
        ('C', '社会科学总论'),
        ('D', '政治、法律'),
        ('E', '军事'),
        ('F', '经济'),
        ('G', '文化、科学、教育、体育'),
        ('H', '语言、文字'),
        ('I', '文学'),
        ('J', '艺术'),
        ('K', '历史、地理'),
        ('N', '自然科学总论'),
        ('O', '数理科学和化学'),
        ('P', '天文学、地球科学'),
        ('Q', '生物科学'),
        ('R', '医药、卫生'),
        ('S', '农业科学'),
        ('T', '工业技术'),
        ('U', '交通运输'),
        ('V', '航空、航天'),
        ('X', '环境科学、安全科学'),
        ('Z', '综合性图书')
)
SELECT
    l.TXM,
    l.SSH,
    l.TM,
    l.ZZ,
    l.FLH,
    c.class_name,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN clc_class AS c ON c.FLH = LEFT(l.FLH, 1)
WHERE l.load_rank = 1 AND l.TXM IS NOT NULL
