"""Simplified Chinese for files written for people: exports, screenshots, refusals."""

MESSAGES: dict[str, str] = {
    "{path} is not a regular file": "{path} 不是普通文件",
    "{path} is outside the export folder {folder}": "{path} 不在导出文件夹 {folder} 内",
    "{path} already exists": "{path} 已存在",
    "{path} is the desk's own {what}: an export never replaces it": "{path} 是本值班台的{what}，导出不会覆盖它",
    "config": "配置文件",
    "database": "数据库",
    "a leader's session writes no files": "领导只读会话不写任何文件",
    "screenshot saved to {path}": "截图已保存到 {path}",
    "Screenshot": "截图",
    "no screenshot: {why}": "未截图：{why}",
    "Save an SVG picture of the screen in {folder}": "把当前屏幕保存为 SVG 图片，存入 {folder}",
    "Yes": "是",
    "No": "否",
    "y yes · n or esc no": "y 是 · n 或 esc 否",
    "{why}. Write there anyway?": "{why}。仍要写入吗？",
}
