// Where the server is, and the subscribe-message templates it sends.
//
// Release and trial builds talk to the HTTPS domain registered in the mini-program's
// 服务器域名 settings. A development build talks to the dev stack (scripts/dev.sh); on another
// machine than the one running DevTools, set the storage key `sh_api_base` in DevTools'
// Storage panel to that machine's address, e.g. http://192.168.1.20:8080 (and tick
// "不校验合法域名" in DevTools' details: plain HTTP is for development only).
const RELEASE_BASE = 'https://hall.example.cn'
const DEVELOP_BASE = 'http://127.0.0.1:8080'

function apiBase() {
  const chosen = wx.getStorageSync('sh_api_base')
  if (chosen) return chosen
  let env = 'release'
  try {
    env = wx.getAccountInfoSync().miniProgram.envVersion
  } catch (e) {
    // an old base library without getAccountInfoSync: the release server
  }
  return env === 'release' || env === 'trial' ? RELEASE_BASE : DEVELOP_BASE
}

// The server's notices.templates (config/app_config.hpp): one message each.
const TEMPLATES = {
  result: 'tmpl-booking-result', // approved, rejected
  reminder: 'tmpl-booking-reminder', // before the start
  cancelled: 'tmpl-booking-cancelled', // cancelled by a closure, expired
  request: 'tmpl-booking-request', // to approvers, to the street
}

module.exports = { apiBase, TEMPLATES }
