SELECT
  toInt8(-128) AS i8, toInt16(-32768) AS i16, toInt32(-2147483648) AS i32, toInt64(-9223372036854775808) AS i64,
  toUInt8(255) AS u8, toUInt16(65535) AS u16, toUInt32(4294967295) AS u32, toUInt64(18446744073709551615) AS u64,
  toFloat32(1.5) AS f32, toFloat64(-2.25e-10) AS f64, nan AS fnan, -inf AS fninf,
  toDecimal32(-1.25, 2) AS d32, toDecimal64('123456789.123456789', 9) AS d64, toDecimal128('-12345678901234567890.1234567890', 10) AS d128,
  'tab\there\nnew line \\ back \'quote\' \0nul é 日本 🎉' AS s, toFixedString('ab', 4) AS fs,
  toDate('2024-02-29') AS dt, toDate(0) AS dt0, toDateTime('2024-02-29 13:45:07', 'Europe/Paris') AS dtz, toDateTime(0) AS dt_epoch,
  toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0') AS uu,
  CAST('b,)' AS Enum8('a' = 1, 'b,)' = 2, 'it\'s' = -3)) AS e8, CAST('x' AS Enum16('x' = 1000)) AS e16,
  toNullable(toInt32(7)) AS ni, CAST(NULL AS Nullable(String)) AS ns, NULL AS nothing,
  [1, 2, 3] AS arr, ['a', 'b\'c', 'tab\tx', ''] AS sarr, [[1, 2], [], [3]] AS narr, [NULL, 1] AS nullarr,
  [toDate('2020-01-01')] AS darr, (1, 'a\'b') AS tup, toLowCardinality('lc') AS lc
FORMAT TabSeparatedWithNamesAndTypes
