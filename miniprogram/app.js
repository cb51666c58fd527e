// 共享空厅: members book the alliance's halls; managers publish and approve them.
// Every page is written as Component({...}) (WeChat runs a page written that way), so the same
// file runs under Node in tests/miniprogram with a real server behind wx.request.
const privacy = require('./utils/privacy')

App({
  onLaunch() {
    privacy.listen() // WeChat's privacy authorisation asks through the guide page
  },
})
