"""Simplified Chinese for intake (issue 22): spreadsheets read through calamine.

Why a workbook could not be read (``dutyboard.ingest.xlsxfmt.REASONS``): stored in
English as quarantine reasons, said in Chinese through ``WorkbookRefused.said``.
"""

MESSAGES: dict[str, str] = {
    "{name} is password-protected: save a copy without the password (or as .xlsx or CSV) in the spreadsheet program and import that": (
        "{name} 设有密码保护：请在电子表格软件中另存一份不带密码的副本（或另存为 .xlsx 或 CSV），再导入该副本"
    ),
    "{name} is not a spreadsheet workbook: it is not a zip archive (.xlsx, .xlsm, .xlsb, .ods) nor an old-style .xls file": (
        "{name} 不是电子表格工作簿：它既不是 zip 压缩包（.xlsx、.xlsm、.xlsb、.ods），也不是旧式 .xls 文件"
    ),
    "{name} is a zip archive but not a spreadsheet workbook (a Word or OpenDocument text file?)": (
        "{name} 是 zip 压缩包，但不是电子表格工作簿（是 Word 或 OpenDocument 文本文件？）"
    ),
    "{name} cannot be opened as a workbook: it is not a zip archive to its end (cut short while it was copied or downloaded?)": (
        "{name} 无法作为工作簿打开：它不是完整的 zip 压缩包（复制或下载时被中断？）"
    ),
    "{name} cannot be opened as an {kind} workbook: {detail}": "{name} 无法作为 {kind} 工作簿打开：{detail}",
    "{name} could not be read as an {kind} workbook: {detail}": "{name} 无法作为 {kind} 工作簿读取：{detail}",
}
