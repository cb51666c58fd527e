// The privacy guide before the first collecting call, on two sides:
//  - our server refuses a call that collects personal information (a hold, a booking, a
//    check-in, the profile, the phone) with consent_required until the member agrees to the
//    guide's current version: api.js then opens the guide (pages/privacy/index), where 同意 is
//    recorded with the version the member read (POST /me/consents);
//  - WeChat's own privacy authorisation: a privacy API (the phone-number button, the calendar)
//    used before the member agreed makes WeChat ask us (wx.onNeedPrivacyAuthorization); we open
//    the same page, and its 同意 button (open-type agreePrivacyAuthorization) tells WeChat too.
const PAGE = '/pages/privacy/index'
let wechatWaiting = null // WeChat's resolve for the privacy API waiting on the member

function openGuide(reason) {
  wx.navigateTo({ url: `${PAGE}?ask=${reason}` })
}

// app.js, once: WeChat's question goes to the guide page.
function listen() {
  if (!wx.onNeedPrivacyAuthorization) return
  wx.onNeedPrivacyAuthorization((resolve) => {
    wechatWaiting = resolve
    openGuide('wechat')
  })
}

// The guide page's answer to WeChat's question, if one is waiting: agree (the button's id) or
// disagree.
function answerWechat(agreed) {
  const resolve = wechatWaiting
  wechatWaiting = null
  if (resolve) resolve(agreed ? { buttonId: 'agree-btn', event: 'agree' } : { event: 'disagree' })
}

module.exports = { openGuide, listen, answerWechat }
