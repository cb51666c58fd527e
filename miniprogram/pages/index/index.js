// 找场地, time first: "Thursday evening, 20 people, a projector". The halls with a free slot in
// that time (GET /venues); the main action on each holds exactly the asked time and opens the
// booking form; "看全天" opens the hall's day.
const api = require('../../utils/api')
const errors = require('../../utils/errors')
const format = require('../../utils/format')

const FACILITIES = Object.keys(format.FACILITY).map((key) => ({ key, name: format.FACILITY[key] }))

Component({
  data: {
    date: '',
    dateText: '',
    from: '18:00',
    to: '20:00',
    people: '',
    facility: '',
    facilities: FACILITIES,
    facilityIndex: 0,
    facilityNames: ['不限'].concat(FACILITIES.map((f) => f.name)),
    buildings: [{ id: 0, name: '不限' }],
    buildingIndex: 0,
    halls: [],
    searched: false,
    error: '',
  },
  methods: {
    onLoad() {
      const today = format.dateOf(Date.now())
      this.setData({ date: today, dateText: format.day(today) })
      return api
        .get('/api/v1/buildings')
        .then((list) => this.setData({ buildings: [{ id: 0, name: '不限' }].concat(list.items.map((b) => ({ id: b.id, name: b.name }))) }))
        .catch((err) => this.setData({ error: errors.sentence(err) }))
    },
    pickBuilding(e) {
      this.setData({ buildingIndex: Number(e.detail.value) })
    },
    pickDate(e) {
      this.setData({ date: e.detail.value, dateText: format.day(e.detail.value) })
    },
    pickFrom(e) {
      this.setData({ from: e.detail.value })
    },
    pickTo(e) {
      this.setData({ to: e.detail.value })
    },
    inputPeople(e) {
      this.setData({ people: e.detail.value })
    },
    pickFacility(e) {
      const i = Number(e.detail.value)
      this.setData({ facilityIndex: i, facility: i === 0 ? '' : FACILITIES[i - 1].key })
    },
    async search() {
      const d = this.data
      let path = `/api/v1/venues?date=${d.date}&from=${d.from}&to=${d.to}`
      if (Number(d.people) > 0) path += `&min_capacity=${Number(d.people)}`
      if (d.facility) path += `&facility=${d.facility}`
      const building = d.buildings[d.buildingIndex].id
      if (building) path += `&building_id=${building}`
      try {
        const page = await api.get(path)
        const halls = page.items.map((v) => ({
          id: v.id,
          name: v.name,
          floor: v.floor,
          capacity: v.capacity,
          facilities: v.facilities.map((f) => format.FACILITY[f]).join('、'),
          approval: v.requires_approval,
        }))
        this.setData({ halls, searched: true, error: '' })
      } catch (err) {
        this.setData({ halls: [], searched: true, error: errors.sentence(err) })
      }
    },
    // Holds the asked time in the tapped hall, then opens the form.
    async hold(e) {
      const d = this.data
      const id = Number(e.currentTarget.dataset.id)
      try {
        const hold = await api.post('/api/v1/holds', {
          venue_id: id,
          date: d.date,
          start: d.from,
          end: d.to,
        })
        this.setData({ error: '' })
        wx.navigateTo({ url: `/pages/book/index?hold=${encodeURIComponent(JSON.stringify(hold))}` })
        return hold
      } catch (err) {
        this.setData({ error: errors.sentence(err) })
        return null
      }
    },
    openDay(e) {
      const id = e.currentTarget.dataset.id
      wx.navigateTo({ url: `/pages/venue/index?id=${id}&date=${this.data.date}` })
    },
  },
})
