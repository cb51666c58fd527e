// Asking for WeChat subscribe messages: only from a tap (WeChat refuses otherwise), then the
// accepted templates reported to the server. Resolves to the banked consents per template, or
// null when the member allowed none; rejects with WeChat's {errMsg} when its dialog failed, or
// an ApiError when the server could not record them.
const api = require('./api')
const wxp = require('./wxp')

async function ask(templates) {
  const answer = await wxp.call('requestSubscribeMessage', { tmplIds: templates })
  const accepted = templates.filter((id) => answer[id] === 'accept')
  if (!accepted.length) return null
  return (await api.post('/api/v1/me/subscriptions', { template_ids: accepted })).banked
}

module.exports = { ask }
