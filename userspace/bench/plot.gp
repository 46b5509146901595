# plot.gp - throughput vs threads, one line per structure.
# usage: gnuplot -e "datafile='x.dat'; outfile='x.png'; plottitle='...'" plot.gp
# datafile: one block per structure ("name" header line, then
# "threads median min max" rows), blocks separated by two blank lines.
if (!exists("plottitle")) plottitle = "throughput"
stats datafile using 1 nooutput
nblocks = STATS_blocks
set terminal pngcairo size 1200,800 noenhanced font ",10"
set output outfile
set title plottitle
set xlabel "threads (pc: producer/consumer pairs)"
set ylabel "Mops/s (log scale; bars: min..max of runs)"
set logscale y
set grid ytics mytics xtics
set xtics 1
set key outside right top
set offsets 0.2, 0.2, 0, 0
plot for [i=0:nblocks-1] datafile index i using 1:2:3:4 with yerrorlines lw 2 title columnheader(1)
