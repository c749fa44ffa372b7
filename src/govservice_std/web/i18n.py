"""The words of the hall service's pages, in Chinese (the default) and English.

Templates and scripts use English message ids through ``_()``; this module gives the Chinese
text for each. One language per page: the service's default (``govstd serve --lang``), or the
page's ``?lang=`` parameter.
"""

from __future__ import annotations

__all__ = ["MESSAGES_ZH", "gettext_for"]

from collections.abc import Callable

MESSAGES_ZH: dict[str, str] = {
    # shared
    "Hall service": "政务服务大厅",
    "Sign in": "登录",
    "Sign out": "退出",
    "Access token": "访问令牌",
    "Paste the token you were given for this terminal.": "请粘贴为本终端发放的访问令牌。",
    "The token is not valid for this hall.": "该令牌对本服务场所无效。",
    "Kiosk": "取号机",
    "Counter": "窗口",
    "Display board": "叫号显示屏",
    "Monitor": "运行监控",
    "API schema": "接口文档",
    "Language": "语言",
    "Ticket": "号码",
    "Window": "窗口",
    "Line": "业务",
    "Status": "状态",
    "Time": "时间",
    "Waiting": "等候",
    "Print": "打印",
    "Back": "返回",
    "Updated live": "实时更新",
    "Connection lost; reconnecting…": "连接中断，正在重连……",
    # kiosk
    "Take a ticket": "取号",
    "Choose your business": "请选择办理业务",
    "Priority service": "优先服务",
    "None": "无",
    "waiting": "人等候",
    "Your ticket": "您的号码",
    "tickets ahead of you": "位在您之前",
    "Scan to follow your turn on your phone": "扫码在手机上查看排队进度",
    "Please keep your ticket and wait for your number to be called.": "请保管好号码，留意叫号。",
    "Issued at": "取号时间",
    # counter
    "Current ticket": "当前号码",
    "No ticket at this window": "本窗口暂无号码",
    "Call next": "叫下一位",
    "Call this ticket": "叫此号",
    "Recall": "重呼",
    "Start service": "开始办理",
    "Finish": "办结",
    "Outcome": "办理结果",
    "No-show": "过号",
    "Transfer to line": "转至业务",
    "Transfer": "转办",
    "Cancel ticket": "取消号码",
    "Open window": "开启窗口",
    "Close window": "关闭窗口",
    "Window is open": "窗口已开启",
    "Window is closed": "窗口已关闭",
    "Waiting for this window": "本窗口等候队列",
    "Nobody is waiting.": "暂无人等候。",
    "Reason for calling out of order": "不按顺序叫号的原因",
    "Signed in": "当前人员",
    "Nobody is signed in": "窗口无人签到",
    "Staff id": "工号",
    "Sign in at the window": "签到",
    "Sign out of the window": "签退",
    "Transfer to window": "转至窗口",
    "Park": "暂挂",
    "Resume": "恢复办理",
    "Parked at this window": "本窗口暂挂号码",
    "parked": "暂挂",
    # board
    "Now calling": "正在叫号",
    "Please go to window": "请到窗口",
    "Enable sound": "开启语音播报",
    # position
    "Your place in the queue": "排队进度",
    "ahead of you": "位在您之前",
    "about": "约",
    "minutes": "分钟",
    "It is your turn: please go to window": "轮到您了，请到窗口",
    "Your ticket has been dealt with.": "您的号码已处理完毕。",
    "No such ticket.": "没有这个号码。",
    # monitor
    "Live figures": "实时运行数据",
    "Waiting now": "当前等候",
    "Longest wait (minutes)": "最长等候（分钟）",
    "Windows open": "开放窗口",
    "Tickets today": "今日取号",
    "Served": "已办结",
    "Mean wait (minutes)": "平均等候（分钟）",
    "Within target": "达标率",
    "No-show rate": "过号率",
    "By line": "按业务",
    "By window": "按窗口",
    "open": "开启",
    "closed": "关闭",
    # statuses
    "called": "已叫号",
    "serving": "办理中",
    "finished": "已办结",
    "no_show": "过号",
    "cancelled": "已取消",
}


def gettext_for(lang: str) -> Callable[[str], str]:
    """The ``_()`` function of a language: Chinese text for ``zh``, the id itself for ``en``."""
    if lang == "en":
        return lambda message: message
    return lambda message: MESSAGES_ZH.get(message, message)
