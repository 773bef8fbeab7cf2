# docs/storm.gp - docs/storm.svg from the data of tests/mqtt5/storm.c:
#   build/storm --data build/mqtt5/storm.dat
#   gnuplot -e "data='build/mqtt5/storm.dat'" docs/storm.gp > docs/storm.svg
# (`make docs` does both; the step storm-svg checks the SVG is current.)
if (!exists("data")) data = 'build/mqtt5/storm.dat'
set terminal svg size 720,460 dynamic enhanced font "sans,12" background "white"
set title "10^4 devices, broker restarted (down 5 s): connects per second after it is back"
set xlabel "seconds after the broker is back"
set ylabel "connects per second"
set key outside below horizontal maxcols 2
set style fill solid 0.6 border -1
set boxwidth 0.4
set xrange [-0.5:*]
set yrange [0:*]
set xtics 1
set grid ytics
plot data using ($1-0.2):2 with boxes lc rgb "#2a6fb0" title "hb\\_backoff (random phase, doubling)", \
     data using ($1+0.2):5 with boxes lc rgb "#d9822b" title "equal jitter [c/2, c] (old examples)", \
     data using ($1-0.5):3:(1):(0) with vectors nohead lw 2 dt 2 lc rgb "#2a6fb0" title "hb\\_backoff mean over its window", \
     data using ($1-0.5):4:(1):(0) with vectors nohead lw 2 lc rgb "#b02a2a" title "limit: 2 x mean"
