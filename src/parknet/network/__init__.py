"""The "1+N" network (1+N 网络): leaders per province, the optimal assignment of lagging zones to leaders
with the form of each link, and the national backbone of leaders. Pure core: frames in, results out."""
