"""The fictional demo college (望湖职业技术学院) and its source-system exports."""
