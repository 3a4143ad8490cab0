"""The currencies a new installation knows: ISO 4217 code, English name, decimal places."""

CURRENCIES: list[tuple[str, str, int]] = [
    ("AED", "UAE Dirham", 2), ("AUD", "Australian Dollar", 2), ("BRL", "Brazilian Real", 2),
    ("CAD", "Canadian Dollar", 2), ("CHF", "Swiss Franc", 2), ("CNY", "Chinese Yuan Renminbi", 2),
    ("CZK", "Czech Koruna", 2), ("DKK", "Danish Krone", 2), ("EUR", "Euro", 2),
    ("GBP", "Pound Sterling", 2), ("HKD", "Hong Kong Dollar", 2), ("HUF", "Hungarian Forint", 2),
    ("IDR", "Indonesian Rupiah", 2), ("INR", "Indian Rupee", 2), ("JPY", "Japanese Yen", 0),
    ("KRW", "Korean Won", 0), ("MOP", "Macanese Pataca", 2), ("MXN", "Mexican Peso", 2),
    ("MYR", "Malaysian Ringgit", 2), ("NOK", "Norwegian Krone", 2), ("NZD", "New Zealand Dollar", 2),
    ("PHP", "Philippine Peso", 2), ("PLN", "Polish Zloty", 2), ("RUB", "Russian Ruble", 2),
    ("SAR", "Saudi Riyal", 2), ("SEK", "Swedish Krona", 2), ("SGD", "Singapore Dollar", 2),
    ("THB", "Thai Baht", 2), ("TRY", "Turkish Lira", 2), ("TWD", "New Taiwan Dollar", 2),
    ("USD", "US Dollar", 2), ("VND", "Vietnamese Dong", 0), ("ZAR", "South African Rand", 2),
]
