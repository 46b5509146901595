# plot.gp - throughput vs threads, one line per structure.
# usage: gnuplot -e "datafile='x.dat'; outfile='x.png'; plottitle='...'; nbold=N" plot.gp
# datafile: one block per structure ("name" header line, then
# "threads median min max" rows), blocks separated by two blank lines; the
# first nbold blocks (lfq's structures) are drawn thick and solid, the
# peers thin and dashed.
if (!exists("plottitle")) plottitle = "throughput"
if (!exists("nbold")) nbold = 0
stats datafile using 1 nooutput
nblocks = STATS_blocks
xmin = STATS_min
xmax = STATS_max
set terminal pngcairo size 1400,900 noenhanced font ",10"
set output outfile
set title plottitle
set xlabel "threads (pc: producer/consumer pairs)"
set ylabel "Mops/s, log scale (median; bars: min..max of runs)"
set logscale y
set grid ytics mytics xtics
set xtics 1
set xrange [xmin - 0.3 : xmax + 0.3]
set key outside right top
ds(i) = i < nbold ? 1 : 2 + i % 4
plot for [i=0:nblocks-1] datafile index i using 1:2:3:4 with yerrorlines lw (i < nbold ? 3 : 1.5) pt (i % 14 + 1) dt ds(i) title columnheader(1)
