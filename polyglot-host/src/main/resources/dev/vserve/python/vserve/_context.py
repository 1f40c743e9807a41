# What every module of the package shares in one context: set by the host when it installs the package.
host = None       # the Java bridge of this context (HostBridge)
loading = False   # True while the launcher reads the user's file (serve.run records, not runs)
runs = []         # what serve.run(...) asked for while loading
model = None      # the multiplexed model id of the call whose code runs now (serve.get_multiplexed_model_id)
reply = None      # the call whose code runs now (what it holds is let go when it ends)
held = {}         # id of a call -> what to let go when it ends (multiplexed models it uses)
handle_calls = set()   # ids of the calls made through handles (their results may be pickled objects)
