from growthpath.cli import app

app(prog_name="growthpath")
