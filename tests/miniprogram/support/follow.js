// Where the page sent the member: the last wx.navigateTo/redirectTo/switchTab of the phone,
// opened as WeChat would (the query's values as written in the URL).
const { open } = require('./pages')

function parse(url) {
  const [page, search = ''] = url.replace(/^\//, '').split('?')
  const query = {}
  for (const pair of search.split('&').filter(Boolean)) {
    const at = pair.indexOf('=')
    query[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return { page, query }
}

async function follow(phone) {
  const url = phone.navigations[phone.navigations.length - 1]
  if (!url) throw new Error(`${phone.name} was sent nowhere`)
  const { page, query } = parse(url)
  return open(phone, page, query)
}

module.exports = { follow }
