// A booking form survives a weak network and a restart of the app: its hold, what the member
// wrote, and the Idempotency-Key made once when the form opened. Sending it again — a retry
// after a dropped answer, or the app opened again — repeats the same key, so the server books
// once and answers the repeat with the same booking.
const KEY = 'sh_booking_draft'

function newKey() {
  let s = ''
  for (let i = 0; i < 32; i++) s += Math.floor(Math.random() * 16).toString(16)
  return s
}

// The draft for `hold` (kept if it is the same hold, made otherwise).
function open(hold) {
  const kept = wx.getStorageSync(KEY)
  if (kept && kept.hold && kept.hold.hold_id === hold.hold_id) return kept
  const draft = { hold, key: newKey(), purpose: '', attendees: '' }
  wx.setStorageSync(KEY, draft)
  return draft
}

// The draft left when the app closed, if any.
function pending() {
  return wx.getStorageSync(KEY) || null
}

function save(draft) {
  wx.setStorageSync(KEY, draft)
}

// After a refusal (the server answered and booked nothing), the next attempt is a new request:
// a new key, so that a corrected form is not taken for a repeat of the refused one.
function renew(draft) {
  const next = Object.assign({}, draft, { key: newKey() })
  wx.setStorageSync(KEY, next)
  return next
}

function done() {
  wx.removeStorageSync(KEY)
}

module.exports = { open, pending, save, renew, done, newKey }
