"""The data catalog (数据资源目录): every data item, its owner, classification, lineage and freshness."""
