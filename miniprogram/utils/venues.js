// Hall names for lists that carry only a hall's id (a booking), read once per page.
const api = require('./api')

async function names(ids) {
  const out = {}
  for (const id of Array.from(new Set(ids))) {
    try {
      out[id] = (await api.get(`/api/v1/venues/${id}`)).name
    } catch (e) {
      out[id] = '场地'
    }
  }
  return out
}

module.exports = { names }
