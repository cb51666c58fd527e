// 全部场地暂停开放: a street's admin closes every hall of the street (a district admin: of the
// whole district) for a holiday or a security period in one step; the bookings in the way are
// counted first, then cancelled and their members told.
const api = require('../../utils/api')
const closing = require('../../utils/closing')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

Component({
  data: {
    scope: '',
    streetId: null,
    fromDate: '',
    fromTime: '00:00',
    toDate: '',
    toTime: '23:59',
    reason: '',
    error: '',
    done: '',
  },
  methods: Object.assign({}, closing.formMethods, {
    async onLoad() {
      const today = format.dateOf(Date.now())
      this.setData({ fromDate: today, toDate: today })
      try {
        const me = api.remember(await api.get('/api/v1/me'))
        const street = me.role === 'street_admin'
        this.setData({ streetId: street ? me.street_id : null, scope: street ? '本街道的全部场地' : '全区的全部场地' })
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
      }
    },
    closurePath() {
      return '/api/v1/closures'
    },
    scope() {
      return this.data.streetId ? { street_id: this.data.streetId } : {}
    },
    closed(made) {
      this.setData({ done: closing.doneText(made, `已停用 ${made.closures.length} 个场地`), reason: '', error: '' })
    },
  }),
})
