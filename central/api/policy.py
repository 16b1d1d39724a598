"""Who may call what: the access table the guard enforces for every RPC."""

from __future__ import annotations

from nodekit.auth import Role
from nodekit.guard import PUBLIC

CUSTOMER = frozenset({Role.CUSTOMER})
OPERATOR = frozenset({Role.OPERATOR})
BRANCH = frozenset({Role.BRANCH})
MANUFACTURER = frozenset({Role.MANUFACTURER})
ANYONE_KNOWN = frozenset(Role)

_P = "/distribution.v1."

POLICY: dict[str, frozenset[Role]] = {
    f"{_P}CustomerService/RegisterCustomer": PUBLIC,
    f"{_P}CustomerService/UpdatePaymentCard": CUSTOMER,
    f"{_P}CustomerService/FinishShopping": CUSTOMER,
    f"{_P}CatalogService/ListStockLines": ANYONE_KNOWN,
    f"{_P}CatalogService/WatchCatalog": ANYONE_KNOWN,
    f"{_P}CartService/AddCartItem": CUSTOMER,
    f"{_P}CartService/RemoveCartItem": CUSTOMER,
    f"{_P}CartService/GetCart": CUSTOMER,
    f"{_P}OrderService/Checkout": CUSTOMER,
    f"{_P}OrderService/ListOrders": CUSTOMER,
    f"{_P}MonthService/OpenMonth": OPERATOR,
    f"{_P}MonthService/CloseMonth": OPERATOR,
    f"{_P}MonthService/GetMonthStatus": OPERATOR,
    f"{_P}MonthService/SubmitOffer": OPERATOR | MANUFACTURER,
    f"{_P}MonthService/ListManufacturers": OPERATOR,
    f"{_P}MonthService/PauseMonth": OPERATOR,
    f"{_P}MonthService/ResumeMonth": OPERATOR,
    f"{_P}ManufacturerLinkService/Connect": MANUFACTURER,
    f"{_P}BranchService/StreamSales": BRANCH,
    f"{_P}BranchService/SubmitDailyReport": BRANCH,
    f"{_P}BranchService/ReportInventory": BRANCH,
    f"{_P}ReportService/GetBranchRevenue": OPERATOR,
    f"{_P}ReportService/GetInventoryValue": OPERATOR,
    f"{_P}ReportService/ListTopProducts": OPERATOR,
    f"{_P}ReportService/ListLowStockAlerts": OPERATOR,
}
