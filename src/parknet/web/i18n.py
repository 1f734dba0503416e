"""Interface text, Chinese first (默认中文), English through the language switch (cookie ``lang``)."""

from __future__ import annotations

__all__ = ["LANGS", "DEFAULT_LANG", "translate"]

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

_TEXT: dict[str, tuple[str, str]] = {
    "app": ("ParkNet 国家高新区协同发展平台", "ParkNet — high-tech zone coordination"),
    "overview": ("概览", "Overview"),
    "zones": ("园区", "Zones"),
    "audit": ("审计日志", "Audit log"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "synthetic": ("合成演示数据：以下数字为演示用途，并非真实统计", "Synthetic demo data: these figures are for demonstration, not real statistics"),
    "year": ("年份", "Year"),
    "national_zones": ("国家高新区数量", "National zones"),
    "provincial_zones": ("省级高新区数量", "Provincial zones"),
    "gdp_share_of_nation": ("占全国GDP比重", "Share of national GDP"),
    "land_share_of_nation": ("占全国土地比重", "Share of national land"),
    "top10_gdp_share": ("前10位园区GDP占比", "Top-10 zones' GDP share"),
    "top10_invention_patent_share": ("前10位发明专利授权占比", "Top-10 zones' invention patent share"),
    "rd_intensity_vs_nation": ("R&D强度 / 全国", "R&D intensity vs nation"),
    "talent_density_vs_nation": ("人才密度 / 全国", "Talent density vs nation"),
    "map_title": ("各省国家高新区GDP（亿元）", "National zones' GDP by province (100m yuan)"),
    "trend_title": ("前10位园区GDP占比趋势", "Top-10 share of GDP over time"),
    "data": ("数据", "data"),
    "search": ("搜索名称或代码", "Search name or id"),
    "all_provinces": ("全部省份", "All provinces"),
    "all_levels": ("全部级别", "All levels"),
    "national": ("国家级", "National"),
    "provincial": ("省级", "Provincial"),
    "other": ("其他", "Other"),
    "name": ("名称", "Name"),
    "level": ("级别", "Level"),
    "province": ("省份", "Province"),
    "city": ("城市", "City"),
    "approved": ("批准年份", "Approved"),
    "gdp": ("GDP（万元）", "GDP (10k yuan)"),
    "sort": ("排序", "Sort"),
    "indicators_title": ("指标变化", "Indicators over time"),
    "industry_title": ("分行业营业收入（万元）", "Revenue by industry (10k yuan)"),
    "edit": ("编辑指标", "Edit indicators"),
    "save": ("保存", "Save"),
    "indicator": ("指标", "Indicator"),
    "value": ("数值", "Value"),
    "saved": ("已保存", "Saved"),
    "its_zones": ("本省园区", "Zones in the province"),
    "network_later": ("“1+N”合作网络将在网络模块上线后显示。", "The 1+N network appears here once the network module is available."),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "page": ("第{page}页，共{pages}页（{total}条）", "Page {page} of {pages} ({total} rows)"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "error": ("出错了", "Something went wrong"),
    "back": ("返回概览", "Back to the overview"),
    "when": ("时间", "When"),
    "actor": ("操作人", "Who"),
    "action": ("操作", "Action"),
    "entity": ("对象", "What"),
    "before": ("修改前", "Before"),
    "after": ("修改后", "After"),
    "chain_ok": ("哈希链完整", "Hash chain intact"),
    "chain_bad": ("哈希链被破坏", "Hash chain broken"),
    "login_failed": ("用户名或密码错误", "Wrong user name or password"),
    "too_many": ("登录失败次数过多，请15分钟后再试", "Too many failed logins; try again in 15 minutes"),
    "source": ("来源", "Source"),
    "language": ("English", "中文"),
}


def translate(key: str, lang: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` (falls back to the key itself, so a missing entry shows)."""
    zh, en = _TEXT.get(key, (key, key))
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
