"""National standards: code sets, data elements, crosswalks and cleaning functions (标准规范)."""
