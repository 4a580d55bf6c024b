-- seat_keys (a library, inlined by "--#include seat_keys"): the keys of one event's seats and
-- holds, named once. Every script that changes a seat or a hold is given these keys in this order
-- (HoldStore.seatKeys builds the list), so a script says K.holds where it once said KEYS[3], and
-- a key added here reaches every such script at once.
local K = {
  seats = KEYS[1],          -- set   seat ids of the map
  sold = KEYS[2],           -- hash  seat -> reservationId
  holds = KEYS[3],          -- hash  holdId -> hold record "visitor|expiresAt|seat,seat" (lib/hold_record)
  holdByVisitor = KEYS[4],  -- hash  visitor -> holdId
  holdSeats = KEYS[5],      -- hash  seat -> holdId
  holdExpiry = KEYS[6],     -- zset  holdId -> expiresAt, or fenceUntil while confirming (epoch ms)
  confirming = KEYS[7],     -- hash  holdId -> "reservationId|fenceUntil"
  confirmed = KEYS[8],      -- hash  holdId -> "reservationId|visitor|seat,seat"
  active = KEYS[9],         -- zset  visitor -> activeUntil (the line's admitted set)
  gone = KEYS[10],          -- hash  visitor -> reason
  presence = KEYS[11],      -- zset  visitor -> last seen (epoch ms)
  seatVersion = KEYS[12],   -- hash  gen, n (lib/seat_version)
  seatLog = KEYS[13],       -- zset  seat -> version of its last status change (lib/seat_version)
  rows = KEYS[14],          -- hash  row -> one character per seat (lib/seat_rows)
  rowMeta = KEYS[15],       -- hash  row -> "rank|category|load id" (lib/seat_rows)
  rowsOpen = KEYS[16],      -- zset  row -> rank, rows with a free seat (lib/seat_rows)
  seatKind = KEYS[17],      -- hash  seat -> 'w' wheelchair or 'c' companion (lib/seat_rows)
  holdPlacement = KEYS[18], -- hash  holdId -> "placement|otherSection" of a best-available hold
  standing = KEYS[19],      -- hash  section -> capacity of a standing area
  standingHeld = KEYS[20],  -- hash  section -> standing places held
  standingSold = KEYS[21],  -- hash  section -> standing places sold
  stock = KEYS[22],         -- hash  "free:<category>" etc. -> seats in that state (lib/seat_rows);
                            --       buyers, returned (holds that ended unbought)
  stockNames = KEYS[23],    -- hash  "name:<category>", "price:<category>", currency, "area:<section>" ->
                            --       the category of a standing area (stock_names.lua)
}
