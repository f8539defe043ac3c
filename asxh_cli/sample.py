"""Deterministic synthetic data: a register extract and messy beneficiary workbooks with known truth.

Every person is invented: IDs follow the structure of the số định danh cá nhân (province code, century/sex
digit, birth year, six random digits) with random tails, names are drawn from common Vietnamese names.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from asxh_cli.io.writer import atomic_path
from asxh_cli.normalize.legacy import encode_tcvn3, encode_vni
from asxh_cli.normalize.text import fold

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đào",
    "Đinh",
    "Mai",
    "Trịnh",
    "Lương",
    "Cao",
    "Tạ",
    "Hà",
    "Lâm",
    "Tô",
    "Châu",
    "Quách",
]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Đình", "Ngọc", "Trọng", "Bá", "Tiến"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Hồng", "Kim", "Mỹ", "Bích", "Thúy", "Diệu", "Phương"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Hải",
    "Long",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tài",
    "Tuấn",
    "Vinh",
    "Khánh",
    "Lộc",
    "Hiếu",
    "Đạt",
    "Thắng",
    "Trung",
    "Toàn",
    "Hòa",
    "Thành",
    "Kiên",
    "Lâm",
    "Mạnh",
    "Nghĩa",
    "Phong",
    "Quý",
    "Thịnh",
    "Tùng",
    "Việt",
    "Bảo",
    "Duy",
    "Hoàng",
    "Khoa",
    "Lợi",
    "Nhân",
]
GIVEN_FEMALE = [
    "Hương",
    "Lan",
    "Mai",
    "Thảo",
    "Trang",
    "Yến",
    "Hà",
    "Hạnh",
    "Linh",
    "Nga",
    "Oanh",
    "Phương",
    "Quyên",
    "Uyên",
    "Xuân",
    "Thủy",
    "Hoa",
    "Huyền",
    "Loan",
    "Ngân",
    "Nhung",
    "Tâm",
    "Thu",
    "Vân",
    "Hằng",
    "Liên",
    "My",
    "Nhàn",
    "Sương",
    "Tuyết",
    "Ánh",
    "Dung",
    "Giang",
    "Hiền",
    "Khuê",
    "Lệ",
    "Ngọc",
    "Thơ",
]
SURNAME_VARIANTS = {"Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Vũ": "Võ", "Võ": "Vũ"}
PROVINCE_CODES = [
    "001",
    "031",
    "036",
    "038",
    "040",
    "042",
    "046",
    "048",
    "052",
    "056",
    "066",
    "075",
    "077",
    "079",
    "082",
    "089",
    "092",
    "096",
    "015",
    "024",
    "027",
    "034",
]
COMMUNES = ["Phường Vũng Tàu", "Phường Tam Thắng", "Phường Rạch Dừa", "Phường Phước Thắng", "Xã Long Sơn"]
STREETS = ["Thôn 1", "Thôn 2", "Tổ 3", "Tổ 5", "Khu phố 4", "Ấp Bắc", "Ấp Nam", "Tổ 7", "Khu phố 2"]
CATEGORIES = {
    "BTXH": ["Người cao tuổi", "Người khuyết tật nặng", "Trẻ em mồ côi", "Hưu trí xã hội"],
    "NCC": ["Thương binh", "Bệnh binh", "Thân nhân liệt sĩ", "Chất độc hóa học"],
    "HN": ["Hộ nghèo"],
    "HCN": ["Hộ cận nghèo"],
}
AMOUNTS = {
    "BTXH": [500_000, 750_000, 1_000_000, 1_250_000],
    "NCC": [2_789_000, 1_394_500, 3_486_000],
    "HN": [300_000],
    "HCN": [200_000],
}
METHODS = ["Qua tài khoản", "Tiền mặt", "Chuyển khoản", "Bưu điện", "Chưa có tài khoản", "Ủy quyền", ""]
BANKS = [
    "Agribank",
    "NH Agribank CN Vũng Tàu",
    "Vietcombank",
    "VietinBank",
    "BIDV",
    "LPBank",
    "Ngân hàng Chính sách",
    "NHNo&PTNT",
    "Bưu điện Liên Việt",
    "MB",
]
STATUS_ALIVE, STATUS_DEAD, STATUS_MOVED = "Còn sống", "Đã chết", "Đã chuyển đi"

# Kinds of damage applied to a beneficiary row, with their relative frequency.
DAMAGE = {
    "clean": 40,
    "id_numeric": 8,
    "id_typo": 4,
    "id_swap": 3,
    "no_id": 4,
    "old_cmnd": 3,
    "no_diacritics": 4,
    "upper": 5,
    "nfd": 2,
    "tcvn3": 2,
    "vni": 2,
    "no_middle": 2,
    "surname_variant": 2,
    "name_typo": 2,
    "year_only": 3,
    "zero_date": 2,
    "day_month_swap": 2,
    "year_off": 2,
    "other_id": 2,
    "not_in_register": 3,
    "extra_spaces": 2,
    "impossible_date": 1,
    "id_digits_lost": 1,
}


@dataclass(frozen=True)
class SampleFiles:
    """Paths written by `write_sample`."""

    register: Path
    beneficiaries: list[Path]
    truth: Path


def _person_id(rng: random.Random, birth: dt.date, sex: str, used: set[str]) -> str:
    century_digit = (birth.year // 100 - 19) * 2 + (1 if sex == "Nữ" else 0)
    while True:
        candidate = f"{rng.choice(PROVINCE_CODES)}{century_digit}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
        if candidate not in used:
            used.add(candidate)
            return candidate


SAMPLE_YEAR = 2026  # the payout the sample stands for (Tết Bính Ngọ)


def _fitting_label(label: str, birth_date: str) -> str:
    """A bảo trợ xã hội group the person's age can belong to (children are not 70, pensioners not 20)."""
    age = SAMPLE_YEAR - int(birth_date[-4:])
    fits = {"Trẻ em mồ côi": age <= 22, "Người cao tuổi": age >= 60, "Hưu trí xã hội": age >= 75}
    return label if fits.get(label, True) else "Người khuyết tật nặng"


def _birth(rng: random.Random) -> dt.date:
    year = rng.choices([rng.randint(1930, 1960), rng.randint(1961, 2000), rng.randint(2001, 2022)], [5, 3, 2])[0]
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def make_register(size: int, seed: int = 2026) -> list[dict[str, str]]:
    """`size` synthetic register people (dicts with canonical keys), namesakes included by construction."""
    rng = random.Random(seed)
    used: set[str] = set()
    people = []
    for _ in range(size):
        sex = rng.choice(["Nam", "Nữ"])
        birth = _birth(rng)
        middle = rng.choice(MIDDLE_MALE if sex == "Nam" else MIDDLE_FEMALE)
        given = rng.choice(GIVEN_MALE if sex == "Nam" else GIVEN_FEMALE)
        status = rng.choices([STATUS_ALIVE, STATUS_DEAD, STATUS_MOVED], [94, 4, 2])[0]
        death = ""
        if status == STATUS_DEAD:
            death = dt.date(2025, rng.randint(1, 12), rng.randint(1, 28)).strftime("%d/%m/%Y")
        old_id = f"{rng.randrange(10**8, 10**9):09d}" if birth.year < 1995 and rng.random() < 0.5 else ""
        people.append(
            {
                "national_id": _person_id(rng, birth, sex, used),
                "old_id": old_id,
                "full_name": f"{rng.choice(FAMILY)} {middle} {given}",
                "birth_date": birth.strftime("%d/%m/%Y"),
                "sex": sex,
                "address": rng.choice(STREETS),
                "commune": rng.choice(COMMUNES),
                "status": status,
                "death_date": death,
            }
        )
    return people


def _typo_id(rng: random.Random, value: str) -> str:
    position = rng.randrange(6, 12)  # keep the structured part so the ID still looks valid
    digit = str((int(value[position]) + rng.randint(1, 9)) % 10)
    return value[:position] + digit + value[position + 1 :]


def _swap_id(rng: random.Random, value: str) -> str:
    position = rng.randrange(6, 11)
    if value[position] == value[position + 1]:
        return _typo_id(rng, value)
    return value[:position] + value[position + 1] + value[position] + value[position + 2 :]


def _name_typo(rng: random.Random, name: str) -> str:
    words = name.split(" ")
    index = len(words) - 1
    word = words[index]
    position = rng.randrange(1, len(word)) if len(word) > 1 else 0
    words[index] = word[:position] + rng.choice("aeinoghtu") + word[position + 1 :]
    return " ".join(words)


def damage_row(rng: random.Random, person: dict[str, str], kind: str, register: list[dict[str, str]]) -> dict[str, str]:
    """A beneficiary row built from a register person with one kind of damage."""
    row = {
        "full_name": person["full_name"],
        "birth_date": person["birth_date"],
        "sex": person["sex"],
        "national_id": person["national_id"],
        "address": person["address"],
        "commune": person["commune"],
    }
    day, month, year = row["birth_date"].split("/")
    match kind:
        case "id_typo":
            row["national_id"] = _typo_id(rng, row["national_id"])
        case "id_swap":
            row["national_id"] = _swap_id(rng, row["national_id"])
        case "no_id":
            row["national_id"] = ""
        case "old_cmnd":
            row["national_id"] = person["old_id"] or ""
        case "no_diacritics":
            row["full_name"] = fold(row["full_name"]).title()
        case "upper":
            row["full_name"] = row["full_name"].upper()
        case "nfd":
            row["full_name"] = unicodedata.normalize("NFD", row["full_name"])
        case "tcvn3":
            try:
                row["full_name"] = encode_tcvn3(row["full_name"])
            except ValueError:
                row["full_name"] = encode_vni(row["full_name"])
        case "vni":
            row["full_name"] = encode_vni(row["full_name"])
        case "no_middle":
            words = row["full_name"].split(" ")
            row["full_name"] = f"{words[0]} {words[-1]}"
        case "surname_variant":
            family, rest = row["full_name"].split(" ", 1)
            row["full_name"] = f"{SURNAME_VARIANTS.get(family, family)} {rest}"
        case "name_typo":
            row["full_name"] = _name_typo(rng, row["full_name"])
        case "year_only":
            row["birth_date"] = year
        case "zero_date":
            row["birth_date"] = f"00/00/{year}"
        case "day_month_swap":
            if int(day) <= 12 and day != month:
                row["birth_date"] = f"{month}/{day}/{year}"
        case "year_off":
            row["birth_date"] = f"{day}/{month}/{int(year) + rng.choice([-1, 1])}"
        case "other_id":
            row["national_id"] = rng.choice(register)["national_id"]
        case "impossible_date":
            row["birth_date"] = f"31/02/{year}"
        case "id_digits_lost":
            row["national_id"] = f"{int(row['national_id'][:2]) / 10:.1f}E+10".replace(".", ",")
        case "extra_spaces":
            row["full_name"] = "  " + row["full_name"].replace(" ", "   ") + " "
    return row


def _entitled(rng: random.Random, row: dict[str, str], person: dict[str, str]) -> dict[str, str]:
    """A list row with a category, amount and payment method drawn for the person."""
    category = rng.choice(list(CATEGORIES))
    method = rng.choice(METHODS)
    has_account = method in {"Qua tài khoản", "Chuyển khoản", "Ủy quyền"}
    row.update(
        {
            "category": _fitting_label(rng.choice(CATEGORIES[category]), person["birth_date"]),
            "category_code": category,
            "amount": str(rng.choice(AMOUNTS[category])),
            "payment_method": method,
            "account_number": f"{rng.randrange(10**12, 10**13)}" if has_account else "",
            "bank": rng.choice(BANKS) if has_account else "",
            "proxy_name": f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN_MALE)}" if method == "Ủy quyền" else "",
        }
    )
    return row


def make_beneficiaries(
    register: list[dict[str, str]], size: int, seed: int = 7
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """`size` beneficiary rows drawn from `register` with damage, and their ground truth."""
    rng = random.Random(seed)
    kinds, weights = zip(*DAMAGE.items(), strict=True)
    invented = make_register(max(10, size // 20), seed=seed + 1)
    rows, truth = [], []
    for _ in range(size):
        kind = rng.choices(kinds, weights)[0]
        if kind == "not_in_register":
            person = rng.choice(invented)
            expected_id = ""
        else:
            person = rng.choice(register)
            expected_id = person["national_id"]
        if kind == "old_cmnd" and not person["old_id"]:
            kind = "no_id"
        rows.append(_entitled(rng, damage_row(rng, person, kind, register), person))
        truth.append({"damage": kind, "expected_id": expected_id, "status": person["status"] if expected_id else ""})
    return rows, truth


REGISTER_HEADERS = {
    "national_id": "Số định danh cá nhân",
    "old_id": "Số CMND",
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "sex": "Giới tính",
    "address": "Nơi thường trú",
    "commune": "Xã/Phường",
    "status": "Tình trạng",
    "death_date": "Ngày mất",
}


def write_register_csv(people: list[dict[str, str]], path: Path) -> None:
    """The register extract as UTF-8 CSV with Vietnamese headers."""
    with atomic_path(path) as temp, temp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTER_HEADERS.values())
        for person in people:
            writer.writerow(person[key] for key in REGISTER_HEADERS)


def _title_block(sheet: xlsxwriter.worksheet.Worksheet, bold: object, title: str, width: int) -> None:
    sheet.merge_range(0, 0, 0, 3, "UBND PHƯỜNG VŨNG TÀU", bold)
    sheet.merge_range(0, 5, 0, width, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    sheet.merge_range(1, 5, 1, width, "Độc lập - Tự do - Hạnh phúc", bold)
    sheet.merge_range(3, 0, 3, width, title, bold)


def _write_id(sheet: xlsxwriter.worksheet.Worksheet, r: int, c: int, value: str, numeric: bool) -> None:
    if numeric and value.isdigit():
        sheet.write_number(r, c, int(value))
    else:
        sheet.write_string(r, c, value)


def _signature(sheet: xlsxwriter.worksheet.Worksheet, r: int, bold: object) -> None:
    sheet.write(r + 1, 6, "Vũng Tàu, ngày 05 tháng 01 năm 2026")
    sheet.write(r + 2, 1, "NGƯỜI LẬP BIỂU", bold)
    sheet.write(r + 2, 6, "CHỦ TỊCH", bold)
    sheet.write(r + 3, 1, "(Ký, họ tên)")
    sheet.write(r + 6, 1, "Trần Thị Lập")
    sheet.write(r + 6, 6, "Nguyễn Văn Chủ")


Placed = list[tuple[int, str, int]]  # (beneficiary index, sheet, Excel row or CSV line)


def write_btxh_workbook(rows: list[tuple[int, dict[str, str], str]], path: Path) -> Placed:
    """Two-level 'Ngày sinh: Nam | Nữ' layout, one sheet per commune, column numbers, totals and signatures."""
    placed: Placed = []
    with atomic_path(path) as temp:
        book = xlsxwriter.Workbook(str(temp), {"in_memory": True})
        bold = book.add_format({"bold": True})
        date_format = book.add_format({"num_format": "dd/mm/yyyy"})
        by_commune: dict[str, list[tuple[int, dict[str, str], str]]] = {}
        for item in rows:
            by_commune.setdefault(item[1]["commune"], []).append(item)
        for commune, items in by_commune.items():
            sheet_name = commune[:31]
            sheet = book.add_worksheet(sheet_name)
            _title_block(
                sheet, bold, f"DANH SÁCH ĐỐI TƯỢNG BẢO TRỢ XÃ HỘI HƯỞNG TRỢ CẤP HẰNG THÁNG - {commune.upper()}", 9
            )
            headers = [
                "STT",
                "Họ và tên",
                "Ngày sinh",
                None,
                "Số CCCD",
                "Địa chỉ",
                "Đối tượng",
                "Mức trợ cấp",
                "Hình thức nhận",
                "Số tài khoản",
                "Ngân hàng",
            ]
            for c, text in enumerate(headers):
                if text == "Ngày sinh":
                    sheet.merge_range(5, c, 5, c + 1, text, bold)
                elif text is not None:
                    sheet.merge_range(5, c, 6, c, text, bold)
            sheet.write(6, 2, "Nam", bold)
            sheet.write(6, 3, "Nữ", bold)
            for c in range(len(headers)):
                sheet.write(7, c, f"({c + 1})")
            r = 8
            for number, (index, row, _) in enumerate(items, start=1):
                placed.append((index, sheet_name, r + 1))
                birth_col = 2 if row["sex"] == "Nam" else 3
                sheet.write_number(r, 0, number)
                sheet.write_string(r, 1, row["full_name"])
                _write_birth(sheet, r, birth_col, row["birth_date"], date_format)
                _write_id(sheet, r, 4, row["national_id"], numeric=False)
                for c, key in enumerate(
                    ["address", "category", "amount", "payment_method", "account_number", "bank"], 5
                ):
                    sheet.write_string(r, c, row[key])
                r += 1
            sheet.write(r, 1, "Tổng cộng", bold)
            sheet.write_formula(r, 7, f"=SUM(H9:H{r})")
            _signature(sheet, r, bold)
        book.close()
    return placed


def _as_date(value: str) -> dt.date | None:
    """A dd/mm/yyyy text as a real date, or None when it is partial or impossible (kept as text then)."""
    try:
        day, month, year = (int(part) for part in value.split("/"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def _write_birth(sheet: xlsxwriter.worksheet.Worksheet, r: int, c: int, value: str, date_format: object) -> None:
    date = _as_date(value)
    if date is not None:
        sheet.write_datetime(r, c, dt.datetime(date.year, date.month, date.day), date_format)
    else:
        sheet.write_string(r, c, value)


def write_ncc_workbook(rows: list[tuple[int, dict[str, str], str]], path: Path) -> Placed:
    """One-level header with alias names, IDs as numbers (leading zero lost), dates as Excel serials."""
    with atomic_path(path) as temp:
        book = xlsxwriter.Workbook(str(temp), {"in_memory": True})
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet("NCC")
        _title_block(sheet, bold, "DANH SÁCH NGƯỜI CÓ CÔNG HƯỞNG TRỢ CẤP ƯU ĐÃI HẰNG THÁNG", 10)
        headers = [
            "Số TT",
            "Họ tên đối tượng",
            "Ngày, tháng, năm sinh",
            "Giới tính",
            "Số CCCD/CMND",
            "Nơi thường trú",
            "Xã/Phường",
            "Diện đối tượng",
            "Mức hưởng",
            "Phương thức nhận",
            "STK",
            "Tên ngân hàng",
        ]
        for c, text in enumerate(headers):
            sheet.write(5, c, text, bold)
        placed: Placed = []
        for number, (index, row, _) in enumerate(rows, start=1):
            r = 5 + number
            placed.append((index, "NCC", r + 1))
            sheet.write_number(r, 0, number)
            sheet.write_string(r, 1, row["full_name"])
            date = _as_date(row["birth_date"])
            if date is not None and number % 2:
                sheet.write_number(r, 2, (date - dt.date(1899, 12, 30)).days)
            else:
                sheet.write_string(r, 2, row["birth_date"])
            sheet.write_string(r, 3, row["sex"])
            _write_id(sheet, r, 4, row["national_id"], numeric=True)
            for c, key in enumerate(["address", "commune", "category", "amount", "payment_method"], 5):
                sheet.write_string(r, c, row[key])
            _write_id(sheet, r, 10, row["account_number"], numeric=bool(number % 3))
            sheet.write_string(r, 11, row["bank"])
        last = 6 + len(rows)
        sheet.write(last, 1, "Cộng", bold)
        _signature(sheet, last, bold)
        book.close()
    return placed


CSV_HEADERS = [
    "STT",
    "Họ và tên",
    "Năm sinh",
    "Giới tính",
    "Số định danh cá nhân",
    "Địa chỉ",
    "Xã/Phường",
    "Loại đối tượng",
    "Số tiền",
    "Hình thức chi trả",
    "Số tài khoản",
    "Ngân hàng",
    "Người nhận thay",
]


def write_household_csv(rows: list[tuple[int, dict[str, str], str]], path: Path) -> Placed:
    """Poor/near-poor households as a UTF-8-with-BOM CSV (Excel's 'CSV UTF-8')."""
    with atomic_path(path) as temp, temp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADERS)
        placed: Placed = []
        for number, (index, row, _) in enumerate(rows, start=1):
            placed.append((index, path.stem, number + 1))
            writer.writerow(
                [
                    number,
                    row["full_name"],
                    row["birth_date"],
                    row["sex"],
                    row["national_id"],
                    row["address"],
                    row["commune"],
                    row["category"],
                    row["amount"],
                    row["payment_method"],
                    row["account_number"],
                    row["bank"],
                    row["proxy_name"],
                ]
            )
    return placed


NEXT_MONTH = "thang_2"
NEW_PLACE = ("Tổ 1", "Phường Bà Rịa")  # where people who moved out now live


def make_next_month(
    register: list[dict[str, str]], rows: list[dict[str, str]], truth: list[dict[str, str]], seed: int
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]], list[tuple[str, str]]]:
    """The next month's register, list rows and truth, derived from this month's, and the changes planted.

    About 2 % of the listed people die (December 2025) and 1 % move out (both still on the lists: the commune
    does not know yet), 2 % are removed and 2 % added, rows written with the old CMND now carry the 12-digit
    ID, 2 % get a new account number and 2 % move to another commune's sheet.
    """
    rng = random.Random(seed + 2)
    register = [dict(p) for p in register]
    by_id = {p["national_id"]: p for p in register}
    rows, truth = [dict(r) for r in rows], [dict(t) for t in truth]
    share = max(1, len(rows) // 50)
    alive = [i for i, t in enumerate(truth) if t["expected_id"] and by_id[t["expected_id"]]["status"] == STATUS_ALIVE]
    rng.shuffle(alive)
    changes: list[tuple[str, str]] = []
    for i in alive[:share]:
        person = by_id[truth[i]["expected_id"]]
        person["status"], person["death_date"] = STATUS_DEAD, f"{rng.randint(1, 28):02d}/12/2025"
        changes.append(("Đã chết", person["national_id"]))
    for i in alive[share : share + max(1, share // 2)]:
        person = by_id[truth[i]["expected_id"]]
        person["status"], (person["address"], person["commune"]) = STATUS_MOVED, NEW_PLACE
        changes.append(("Chuyển đi", person["national_id"]))
    for i, item in enumerate(truth):
        if item["damage"] == "old_cmnd":
            rows[i]["national_id"], item["damage"] = item["expected_id"], "clean"
            changes.append(("CMND → CCCD", item["expected_id"]))
    with_account = [i for i in alive[2 * share :] if rows[i]["account_number"]]
    for i in with_account[:share]:
        rows[i]["account_number"] = f"{rng.randrange(10**12, 10**13)}"
        changes.append(("Đổi số tài khoản", truth[i]["expected_id"]))
    btxh = [i for i in alive[2 * share :] if rows[i]["category_code"] == "BTXH" and i not in with_account[:share]]
    for i in btxh[:share]:
        rows[i]["commune"] = rng.choice([c for c in COMMUNES if c != rows[i]["commune"]])
        changes.append(("Chuyển sang sheet khác", truth[i]["expected_id"]))
    removed = set(rng.sample(range(len(rows)), share)) - set(alive[: 2 * share])
    changes += [("Thôi hưởng", truth[i]["expected_id"]) for i in sorted(removed)]
    kept = [i for i in range(len(rows)) if i not in removed]
    rows, truth = [rows[i] for i in kept], [truth[i] for i in kept]
    listed = {t["expected_id"] for t in truth}
    newcomers = [p for p in register if p["status"] == STATUS_ALIVE and p["national_id"] not in listed]
    for person in rng.sample(newcomers, min(share, len(newcomers))):
        rows.append(_entitled(rng, damage_row(rng, person, "clean", register), person))
        truth.append({"damage": "clean", "expected_id": person["national_id"]})
        changes.append(("Mới", person["national_id"]))
    for item in truth:
        item["status"] = by_id[item["expected_id"]]["status"] if item["expected_id"] else ""
    return register, rows, truth, changes


def write_sample(
    outdir: Path, register_size: int = 2000, beneficiaries: int = 300, seed: int = 2026, months: int = 1
) -> list[SampleFiles]:
    """Write a register CSV, three beneficiary files in different messy layouts, and `dap_an.csv` (truth).

    With `months=2`, the next month goes to `thang_2/` (register, lists, truth) with `bien_dong_dung.csv`, the
    changes planted between the two months.
    """
    register = make_register(register_size, seed)
    rows, truth = make_beneficiaries(register, beneficiaries, seed + 1)
    written = [_write_month(outdir, register, rows, truth)]
    if months >= 2:
        register, rows, truth, changes = make_next_month(register, rows, truth, seed)
        written.append(_write_month(outdir / NEXT_MONTH, register, rows, truth))
        with (
            atomic_path(outdir / NEXT_MONTH / "bien_dong_dung.csv") as temp,
            temp.open("w", encoding="utf-8-sig", newline="") as handle,
        ):
            writer = csv.writer(handle)
            writer.writerow(["Biến động", "Số định danh đúng"])
            writer.writerows(changes)
    return written


def _write_month(
    outdir: Path, register: list[dict[str, str]], rows: list[dict[str, str]], truth: list[dict[str, str]]
) -> SampleFiles:
    outdir.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[tuple[int, dict[str, str], str]]] = {"BTXH": [], "NCC": [], "HO": []}
    for index, row in enumerate(rows):
        code = row["category_code"]
        groups["HO" if code in {"HN", "HCN"} else code].append((index, row, code))
    register_path = outdir / "csdl_dan_cu.csv"
    write_register_csv(register, register_path)
    files = {"BTXH": outdir / "btxh.xlsx", "NCC": outdir / "nguoi_co_cong.xlsx", "HO": outdir / "ho_ngheo.csv"}
    placed = {
        "BTXH": write_btxh_workbook(groups["BTXH"], files["BTXH"]),
        "NCC": write_ncc_workbook(groups["NCC"], files["NCC"]),
        "HO": write_household_csv(groups["HO"], files["HO"]),
    }
    truth_path = outdir / "dap_an.csv"
    with atomic_path(truth_path) as temp, temp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Tệp gốc", "Sheet gốc", "Dòng gốc", "Loại lỗi", "Số định danh đúng", "Tình trạng CSDLQG"])
        for key, path in files.items():
            for index, sheet, row_number in placed[key]:
                item = truth[index]
                writer.writerow([path.name, sheet, row_number, item["damage"], item["expected_id"], item["status"]])
    return SampleFiles(register_path, list(files.values()), truth_path)
