"""领导驾驶舱 · 杭职大脑: the leadership cockpit, every figure a governed metric of the hub."""
